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


def test_compose_runs_gunicorn_with_migrations_and_celery_processes():
    services = load_compose()["services"]
    web_command = services["web"]["command"]
    assert "migrate" in web_command and "gunicorn" in web_command
    assert services["worker"]["command"][:4] == ["celery", "-A", "housingfirst", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "housingfirst", "beat"]


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
