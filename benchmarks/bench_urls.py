"""The benchmark's URLs (benchmarks/pages.py): every page of the app, plus floors to compare its
pages with.

- ``/bench/bare/``: a view that returns a few bytes. Its cost is the request through the
  middleware (session, user, role and two-factor checks), no page.
- ``/bench/baseline/…``: each renders the rows of one app page from ONE hand-written SQL query
  with a plain template, behind the same middleware. What an app page costs above its baseline
  is its own work: the ORM, its other queries, context processors, access-log rows, templates.

The baselines read the housing read model (``placements_housingstate``) as the app's pages do,
and scope rows the simple way: a case manager's clients are those they hold
(``case_manager_id``, no covers), a supervisor's case managers are the members of their teams.
PostgreSQL only.
"""

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse
from django.template import Context, Template
from django.urls import include, path

from placements.models import HousingStatus

STATUS_LABELS = dict(HousingStatus.choices)

# next visit due, as placements.visits computes it, from the read model's dates.
NEXT_VISIT_DUE = """
    CASE WHEN hs.housed_since IS NULL THEN NULL
         WHEN COALESCE(hs.last_visit_on, hs.housed_since) < hs.housed_since + %(weekly_days)s
             THEN COALESCE(hs.last_visit_on, hs.housed_since) + 7
         ELSE COALESCE(hs.last_visit_on, hs.housed_since) + %(monthly_days)s
    END"""

CLIENT_LIST_SQL = f"""
SELECT c.id, c.first_name, c.last_name, hs.status, hs.last_contact_at,
       {NEXT_VISIT_DUE} AS next_visit_due,
       count(*) OVER () AS total
FROM clients_client c
LEFT JOIN placements_housingstate hs ON hs.client_id = c.id
WHERE c.case_manager_id = %(user)s
ORDER BY c.last_name, c.first_name, c.id
LIMIT %(page_size)s
"""

CLIENT_PAGE_SQL = """
SELECT c.id, c.first_name, c.last_name, c.date_of_birth, c.program_start_date, c.status,
       c.goals, cm.first_name AS cm_first, cm.last_name AS cm_last, t.name AS team,
       hs.status AS housing, hs.housed_since, hs.last_contact_at,
       (SELECT COALESCE(json_agg(p ORDER BY p.search_started_on DESC, p.id DESC), '[]')
          FROM (SELECT id, address, landlord_name, search_started_on, move_in_date, exit_date,
                       monthly_rent
                  FROM placements_placement WHERE client_id = c.id) p) AS placements,
       (SELECT COALESCE(json_agg(k ORDER BY k.occurred_at DESC), '[]')
          FROM (SELECT kind, occurred_at, note FROM placements_contact
                 WHERE client_id = c.id ORDER BY occurred_at DESC LIMIT 10) k) AS contacts
FROM clients_client c
LEFT JOIN auth_user cm ON cm.id = c.case_manager_id
LEFT JOIN clients_team t ON t.id = c.team_id
LEFT JOIN placements_housingstate hs ON hs.client_id = c.id
WHERE c.id = %(client)s AND c.case_manager_id = %(user)s
"""

TEAM_TABLE_SQL = """
WITH teams AS (SELECT team_id FROM clients_team_supervisors WHERE user_id = %(user)s),
     members AS (SELECT DISTINCT user_id FROM clients_team_case_managers
                  WHERE team_id IN (SELECT team_id FROM teams))
SELECT u.id, u.first_name, u.last_name, u.username,
       count(c.id) AS caseload,
       count(c.id) FILTER (WHERE hs.status = 'housed') AS housed,
       count(c.id) FILTER (WHERE hs.status = 'searching') AS searching
FROM members
JOIN auth_user u ON u.id = members.user_id
LEFT JOIN clients_client c
       ON c.case_manager_id = u.id AND c.status = 'active'
      AND c.team_id IN (SELECT team_id FROM teams)
LEFT JOIN placements_housingstate hs ON hs.client_id = c.id
GROUP BY u.id
ORDER BY u.first_name, u.last_name, u.username
"""

PAGE = "<!doctype html><title>{{ title }}</title><h1>{{ title }}</h1>"

CLIENT_LIST = Template(
    PAGE
    + """<p>{{ total }} clients</p><table>
<tr><th>Name</th><th>Housing</th><th>Last contact</th><th>Next visit due</th></tr>
{% for row in rows %}<tr>
<td><a href="/clients/{{ row.id }}/">{{ row.last_name }}, {{ row.first_name }}</a></td>
<td>{{ row.housing }}</td><td>{{ row.last_contact_at|date:"M j, Y" }}</td>
<td>{{ row.next_visit_due|date:"M j, Y" }}</td></tr>{% endfor %}</table>"""
)

CLIENT_PAGE = Template(
    PAGE
    + """<dl><dt>Born</dt><dd>{{ c.date_of_birth }}</dd><dt>Since</dt>
<dd>{{ c.program_start_date }}</dd><dt>Case manager</dt><dd>{{ c.cm_first }} {{ c.cm_last }}
</dd><dt>Team</dt><dd>{{ c.team }}</dd><dt>Housing</dt><dd>{{ housing }}
{{ c.housed_since|default:"" }}</dd><dt>Last contact</dt><dd>{{ c.last_contact_at }}</dd>
</dl><p>{{ c.goals }}</p>
<h2>Placements</h2><table>{% for p in c.placements %}<tr><td>{{ p.address }}</td>
<td>{{ p.landlord_name }}</td><td>{{ p.search_started_on }}</td><td>{{ p.move_in_date }}</td>
<td>{{ p.exit_date|default:"" }}</td><td>{{ p.monthly_rent|default:"" }}</td></tr>{% endfor %}
</table><h2>Contacts</h2><table>{% for k in c.contacts %}<tr><td>{{ k.occurred_at }}</td>
<td>{{ k.kind }}</td><td>{{ k.note }}</td></tr>{% endfor %}</table>"""
)

TEAM_TABLE = Template(
    PAGE
    + """<table><tr><th>Case manager</th><th>Caseload</th><th>Housed</th><th>Searching</th></tr>
{% for row in rows %}<tr><td>{{ row.first_name }} {{ row.last_name }}</td>
<td>{{ row.caseload }}</td><td>{{ row.housed }}</td><td>{{ row.searching }}</td></tr>{% endfor %}
<tr><th>Total</th><td>{{ totals.caseload }}</td><td>{{ totals.housed }}</td>
<td>{{ totals.searching }}</td></tr></table>"""
)


def _rows(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


def baseline_client_list(request):
    rows = _rows(
        CLIENT_LIST_SQL,
        {
            "user": request.user.pk,
            "page_size": settings.CLIENTS_PER_PAGE,
            "weekly_days": settings.VISIT_SCHEDULE_WEEKLY_WEEKS * 7,
            "monthly_days": settings.VISIT_SCHEDULE_MONTHLY_DAYS,
        },
    )
    for row in rows:
        row["housing"] = STATUS_LABELS.get(row["status"] or HousingStatus.NO_PLACEMENT)
    context = {"title": "Clients", "rows": rows, "total": rows[0]["total"] if rows else 0}
    return HttpResponse(CLIENT_LIST.render(Context(context)))


def baseline_client_page(request, client_id):
    rows = _rows(CLIENT_PAGE_SQL, {"client": client_id, "user": request.user.pk})
    if not rows:
        raise Http404("No such client")
    client = rows[0]
    context = {
        "title": f"{client['first_name']} {client['last_name']}",
        "c": client,
        "housing": STATUS_LABELS.get(client["housing"] or HousingStatus.NO_PLACEMENT),
    }
    return HttpResponse(CLIENT_PAGE.render(Context(context)))


def baseline_team_table(request):
    rows = _rows(TEAM_TABLE_SQL, {"user": request.user.pk})
    totals = {name: sum(row[name] for row in rows) for name in ("caseload", "housed", "searching")}
    context = {"title": "Caseloads", "rows": rows, "totals": totals}
    return HttpResponse(TEAM_TABLE.render(Context(context)))


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/baseline/clients/", baseline_client_list),
    path("bench/baseline/clients/<int:client_id>/", baseline_client_page),
    path("bench/baseline/team/", baseline_team_table),
    path("", include("housingfirst.urls")),
]
