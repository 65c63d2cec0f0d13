import logging
import sys

from flask import Flask

from shop.logs import RequestIdFilter, SafeFormatter, logging_config, register_request_id


def format_record(message: str, *args, exc_info=None) -> str:
    formatter = SafeFormatter("%(request_id)s %(message)s")
    record = logging.LogRecord("shop", logging.ERROR, __file__, 1, message, args, exc_info)
    RequestIdFilter().filter(record)
    return formatter.format(record)


def test_log_lines_carry_no_raw_control_characters_from_the_request():
    line = format_record("refused %s", "/products/\x00\x1b[31mred\nFAKE 200 line\x85")
    assert line == "- refused /products/\\x00\\x1b[31mred\\nFAKE 200 line\\x85"


def test_a_traceback_keeps_its_lines_and_loses_other_control_characters():
    try:
        raise ValueError("bad \x1b[2J value")
    except ValueError:
        line = format_record("crash", exc_info=sys.exc_info())
    assert "\x1b" not in line and "bad \\x1b[2J value" in line
    assert line.count("\n") >= 2


def test_records_made_during_a_request_carry_its_id():
    app = Flask(__name__)
    register_request_id(app)
    with app.test_request_context(headers={"X-Request-ID": "req-1"}):
        assert format_record("inside") == "req-1 inside"
    assert format_record("outside") == "- outside"


def test_the_logging_config_sends_the_access_log_to_stdout_and_the_rest_to_stderr():
    config = logging_config("WARNING")
    assert config["handlers"]["access"]["stream"] == "ext://sys.stdout"
    assert config["handlers"]["stderr"]["filters"] == ["request_id"]
    assert config["root"] == {"level": "WARNING", "handlers": ["stderr"]}
    logging.config.dictConfig({**config, "disable_existing_loggers": False})
    logging.config.dictConfig(
        {"version": 1, "disable_existing_loggers": False, "root": {"handlers": []}}
    )
