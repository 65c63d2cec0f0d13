"""Prometheus metrics: behind a token, summed over gunicorn's workers, and the shop's state
(mail outbox, orders, jobs, workers) read from the database at scrape time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from shop import metrics
from shop.database import utcnow
from shop.mail.enums import OutboxStatus
from shop.mail.models import OutboxMessage
from shop.operations import jobs, workers
from tests.conftest import make_app
from tests.factories import make_order, make_product, make_professional

TOKEN = "m" * 32


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample by (name, sorted labels)."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def metrics_client(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    return app.test_client()


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert response.headers["Cache-Control"] == "no-store"
    return samples(response.get_data(as_text=True))


def test_metrics_do_not_exist_without_a_token_configured(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


def test_metrics_want_the_token(metrics_client):
    for header in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = metrics_client.get("/metrics", headers=header)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert "shop_http" not in response.get_data(as_text=True)


def test_a_short_token_is_refused_at_start():
    from shop import ConfigError

    with pytest.raises(ConfigError, match="METRICS_TOKEN is too short"):
        make_app("sqlite://", METRICS_TOKEN="short")


def test_requests_are_counted_by_endpoint_and_status(metrics_client):
    before = scrape(metrics_client)
    for _ in range(3):
        assert metrics_client.get("/api/v1/brands").status_code == 200
    assert metrics_client.get("/no-such-page").status_code == 404
    after = scrape(metrics_client)
    key = (
        "shop_http_request_duration_seconds_count",
        (("endpoint", "api.brand_list"), ("method", "GET")),
    )
    assert after[key] - before.get(key, 0) == 3
    not_found = ("shop_http_responses_total", (("status", "404"),))
    assert after[not_found] - before.get(not_found, 0) == 1
    assert ("shop_db_pool_connections_open", ()) in after


def test_the_shops_state_is_read_from_the_database(metrics_client, session):
    now = utcnow()
    product = make_product(stock=10)
    make_order(make_professional(), (product, 1))
    make_order(make_professional(), (product, 2), paid=True)  # queues its own mail
    session.commit()  # a scrape ends its own transaction
    before = scrape(metrics_client)
    for status in (OutboxStatus.PENDING, OutboxStatus.PENDING, OutboxStatus.FAILED):
        session.add(
            OutboxMessage(
                to_address="a@example.org",
                subject="s",
                body_text="b",
                status=status,
                created_at=now - timedelta(minutes=10),
            )
        )
    jobs.ensure_schedules(["expire-reservations"], now)
    jobs.record_success("expire-reservations", now)
    workers.beat("host-a:4242", now, started_at=now)
    session.commit()

    found = scrape(metrics_client)
    assert found[("shop_metrics_database_up", ())] == 1
    pending, failed = (
        ("shop_mail_outbox_messages", (("status", status),)) for status in ("pending", "failed")
    )
    assert found[pending] - before[pending] == 2
    assert found[failed] - before[failed] == 1
    assert found[("shop_mail_outbox_oldest_pending_seconds", ())] >= 600
    assert found[("shop_orders", (("status", "pending_payment"),))] == 1
    assert found[("shop_orders", (("status", "paid"),))] == 1
    assert found[("shop_orders", (("status", "refunded"),))] == 0
    success = found[("shop_job_last_success_timestamp_seconds", (("job", "expire-reservations"),))]
    assert success == pytest.approx(now.timestamp())
    beat = found[("shop_worker_last_heartbeat_timestamp_seconds", (("worker", "host-a:4242"),))]
    assert beat == pytest.approx(now.timestamp())


def test_a_scrape_while_the_database_is_down_still_answers():
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none", METRICS_TOKEN=TOKEN)
    found = scrape(app.test_client())
    assert found[("shop_metrics_database_up", ())] == 0


def test_the_facet_index_reports_its_builds(metrics_client):
    metrics.observe_facet_index_build(0.42, products=51, size_bytes=123_456)
    found = scrape(metrics_client)
    assert found[("shop_facet_index_products", ())] == 51
    assert found[("shop_facet_index_bytes", ())] == 123_456
    assert found[("shop_facet_index_build_seconds_count", ())] >= 1
