from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load_compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_names_every_service_with_a_health_check():
    services = load_compose()["services"]
    assert set(services) >= {"db", "redis", "web", "worker", "beat"}
    for name in ("db", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], f"{name} has no health check"


def test_compose_runs_gunicorn_and_celery_processes():
    services = load_compose()["services"]
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "housingfirst", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "housingfirst", "beat"]


def test_migrations_run_once_before_any_app_process_starts():
    """Django takes no lock around migrate: with --scale web=N, N containers migrating at once
    could collide. One one-shot service migrates; web, worker and beat wait for it."""
    services = load_compose()["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        assert "migrate" not in str(services[name]["command"]), name
        waits_for = services[name]["depends_on"]["migrate"]["condition"]
        assert waits_for == "service_completed_successfully", name


def test_the_image_installs_every_app_of_ours():
    from django.conf import settings

    dockerfile = (ROOT / "Dockerfile").read_text()
    ours = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()]
    assert len(ours) >= 7
    for app in ours:
        assert f"COPY {app} ./{app}" in dockerfile, app


def test_compose_keeps_the_database_on_a_named_volume():
    compose = load_compose()
    volume = compose["services"]["db"]["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


def test_compose_app_services_use_postgres_and_redis():
    services = load_compose()["services"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://redis:")
        assert "db" in services[name]["depends_on"]
