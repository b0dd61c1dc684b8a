"""Hypothesis strategies for webhook requests, and a deterministic, bounded way to draw them.

Home Assistant's fixtures are async and function-scoped, which `@given` does not combine with.
`draw_cases` therefore runs a synchronous `@given` function (fixed seed, no example database)
that only records what it is given; the test then replays the cases against Home Assistant.
A case is a plain description (kinds and values); bodies that depend on the moment (timestamps,
signatures, lock dates) or are large (megabytes, deep nesting) are built when replayed.
"""

from __future__ import annotations

from collections.abc import Callable
import json
import os
from typing import Any
import warnings

from hypothesis import HealthCheck, Phase, given, settings, strategies as st

FUZZ_EXAMPLES_ENV = "MINERVA_FUZZ_EXAMPLES"
DEFAULT_EXAMPLES = 200


def fuzz_examples() -> int:
    """Cases per property: 200 in CI, more with MINERVA_FUZZ_EXAMPLES."""
    return int(os.environ.get(FUZZ_EXAMPLES_ENV) or DEFAULT_EXAMPLES)


def draw_cases[T](strategy: st.SearchStrategy[T], count: int | None = None) -> list[T]:
    """`count` cases of `strategy`, the same ones on every run (derandomized, no database)."""
    cases: list[T] = []

    @settings(
        database=None,
        derandomize=True,
        max_examples=count or fuzz_examples(),
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(strategy)
    def _record(case: T) -> None:
        cases.append(case)

    with warnings.catch_warnings():
        # Hypothesis 6.170 on Python 3.14 warns about its own thread-local Random.
        warnings.filterwarnings("ignore", message="It looks like `register_random`")
        _record()
    return cases


# --- building blocks --------------------------------------------------------------------------

# JSON numbers Python's json module writes and reads, including the ones no cloud sends.
json_numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 2**63, -(2**63) - 1, 1e308, 5e-324]),
)
json_scalars = st.one_of(st.none(), st.booleans(), json_numbers, st.text(max_size=40))
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=12,
)
# Anything but an object: what a field holding an object must survive.
non_objects = st.one_of(json_scalars, st.lists(json_scalars, max_size=3))

# Header values the HTTP client can send (no CR/LF/NUL); non-ASCII included.
header_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\r\n\x00"),
    max_size=80,
)
non_ascii_text = st.text(
    alphabet=st.characters(
        min_codepoint=0x80, max_codepoint=0x2FFF, blacklist_categories=("Cc", "Cs")
    ),
    min_size=1,
    max_size=20,
)

CONTENT_TYPES: list[str | tuple[str, str] | None] = [
    None,  # no Content-Type at all
    "application/json",
    "application/json; charset=utf-16",
    "application/x-www-form-urlencoded",
    "text/plain",
    "multipart/form-data; boundary=xyz",
    "application/octet-stream",
    "application/jsön",
    "",
    "*/*; q=🙂",
    # Twice: newer aiohttp refuses a duplicated Content-Type itself (400 before Home Assistant),
    # so this stays one choice among many.
    ("application/json", "text/plain"),
]
content_types = st.one_of(st.sampled_from(CONTENT_TYPES), header_text)

# Deeply nested bodies: depths below and far above Python's recursion limit.
nesting = st.fixed_dictionaries(
    {
        "depth": st.sampled_from([2, 50, 900, 1100, 5000, 20000, 60000]),
        "opener": st.sampled_from(["[", '{"a":', '{"data":']),
        "closed": st.booleans(),
    }
)

# --- Milesight --------------------------------------------------------------------------------

SIGNATURE_HEADERS = (
    "x-msc-webhook-uuid",
    "x-msc-request-timestamp",
    "x-msc-request-nonce",
    "x-msc-request-signature",
)
# How one signature header of an unauthenticated request is made.
header_variant = st.one_of(
    st.just(("missing",)),
    st.just(("plausible",)),  # looks right, signed with another secret
    st.just(("empty",)),
    st.tuples(st.just("text"), header_text),
    st.tuples(st.just("non_ascii"), non_ascii_text),
    st.tuples(st.just("duplicated"), st.booleans()),  # True: the plausible value twice
    st.tuples(st.just("padded"), st.sampled_from([" ", "\t", "  "])),
    st.tuples(
        st.just("number"), st.sampled_from(["0", "-1", "1e9", "99999999999999999999", "NaN"])
    ),
)

milesight_body = st.one_of(
    st.tuples(st.just("bytes"), st.binary(max_size=600)),
    st.tuples(st.just("text"), st.text(max_size=200)),
    st.tuples(st.just("json"), json_values),
    st.tuples(st.just("delivery"), st.integers(min_value=1, max_value=4)),  # valid events
    st.tuples(st.just("truncated"), st.floats(min_value=0.0, max_value=0.999)),
    st.tuples(st.just("webhook_test"), st.integers(min_value=1, max_value=3)),
    st.tuples(
        st.just("odd_numbers"), st.sampled_from(["1e999", "-1e999", "NaN", "Infinity", "1" * 5000])
    ),
    st.tuples(st.just("deep"), nesting),
    st.tuples(st.just("oversized"), st.sampled_from([400_000, 2 * 1024 * 1024 + 1, 3_000_000])),
    st.tuples(st.just("unicode"), st.text(min_size=1, max_size=60)),
)

milesight_unsigned_request = st.fixed_dictionaries(
    {
        "body": milesight_body,
        # Without any signature header the body is read before any check (MDP's console test
        # may come unsigned): that path gets a third of the cases.
        "headers": st.one_of(
            st.just((("missing",),) * len(SIGNATURE_HEADERS)),
            st.tuples(*(header_variant for _ in SIGNATURE_HEADERS)),
            st.tuples(*(header_variant for _ in SIGNATURE_HEADERS)),
        ),
        "content_type": content_types,
        "chunked": st.booleans(),
        "header_case": st.sampled_from(["lower", "upper", "title"]),
    }
)

# One event of a signed delivery (milesight_cases.delivery_event says what each becomes).
milesight_event = st.one_of(
    st.tuples(
        st.just("reading"),
        st.floats(min_value=-40, max_value=85, allow_nan=False).map(lambda value: round(value, 1)),
    ),
    st.tuples(
        st.just("junk"),
        st.one_of(
            non_objects,
            st.dictionaries(
                st.sampled_from(["eventId", "data", "eventtype", "type", ""]),
                json_values,
                max_size=3,
            ),
        ),
    ),
    st.tuples(
        st.just("wrong_type"),
        st.sampled_from(
            [
                "eventId",
                "eventCreatedTime",
                "eventType",
                "data",
                "data.type",
                "data.tslId",
                "data.ts",
                "data.payload",
                "data.deviceProfile",
                "data.deviceProfile.sn",
                "data.deviceProfile.devEUI",
                "data.deviceProfile.deviceId",
                "data.deviceProfile.name",
                "data.deviceProfile.model",
            ]
        ),
        json_values,
    ),
    st.tuples(
        st.just("weird_payload"),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    [
                        "temperature",
                        "humidity",
                        "co2",
                        "pir",
                        "battery",
                        "tvoc",
                        "pm2_5",
                        "light_level",
                        "button_event",
                        "alarm",
                    ]
                ),
                st.text(max_size=10),
            ),
            json_values,
            max_size=5,
        ),
    ),
    st.tuples(
        st.just("other_type"),
        st.sampled_from(
            [
                "TASK_DATA",
                "SYSTEM_MESSAGES",
                "WEBHOOK_TEST",
                "DEVICE_DATA",
                "UNKNOWN",
                "device_data",
            ]
        ),
        json_values,
    ),
)

milesight_signed_delivery = st.fixed_dictionaries(
    {
        "events": st.lists(milesight_event, min_size=1, max_size=6),
        # An event whose payload is nested this deep goes first (None: none). Rare: a traceback
        # through a thousand frames takes long to format while the known bug stands.
        "deep_payload": st.sampled_from([None] * 16 + [50, 1100, 5000, 5000]),
        "single_object": st.booleans(),
        "ensure_ascii": st.booleans(),
        "content_type": content_types,
    }
)

# Attacks with the right secret but something else wrong (see the security tests), by kind: each
# kind gets its share of the cases. Nonces and eventIds vary, so that no two cases are alike.
nonces = st.text(alphabet="0123456789abcdef", min_size=8, max_size=32)
milesight_attacks: dict[str, st.SearchStrategy[tuple[Any, ...]]] = {
    "stale": st.tuples(st.just("stale"), st.integers(min_value=310, max_value=10**9), nonces),
    "future": st.tuples(st.just("future"), st.integers(min_value=310, max_value=10**9), nonces),
    "wrong_signature": st.tuples(
        st.just("wrong_signature"),
        st.sampled_from(["random", "other_secret", "other_message", "truncated", "empty_secret"]),
        nonces,
    ),
    "replayed_nonce": st.tuples(
        st.just("replayed_nonce"), st.integers(min_value=1, max_value=3), nonces
    ),
    "replayed_event_id": st.tuples(
        st.just("replayed_event_id"), st.booleans(), st.text(min_size=1, max_size=40)
    ),
}

# --- TTLock -----------------------------------------------------------------------------------

FORM_KEYS = ["notifyType", "lockId", "lockMac", "admin", "records", "", "records[]", "LOCKID"]
form_value = st.one_of(
    st.text(max_size=60),
    json_values.map(lambda value: _dumps(value)),
    st.sampled_from(["222", "-1", "0", "1e3", "4711001.5", " 4711001 ", "١٢٣"]),
)
ttlock_form = st.lists(
    st.tuples(st.sampled_from(FORM_KEYS) | st.text(max_size=8), form_value), max_size=8
)

ttlock_body = st.one_of(
    st.tuples(st.just("bytes"), st.binary(max_size=600)),
    st.tuples(st.just("text"), st.text(max_size=200)),
    st.tuples(st.just("form"), ttlock_form),
    st.tuples(
        st.just("foreign_push"), st.integers(min_value=1, max_value=3)
    ),  # records of locks not ours
    st.tuples(st.just("test_push"), st.booleans()),  # the console's test push (lockId 222)
    st.tuples(st.just("deep_records"), nesting),
    st.tuples(st.just("oversized"), st.sampled_from([200_000, 2 * 1024 * 1024 + 1, 3_000_000])),
    st.tuples(st.just("json_body"), json_values),
    st.tuples(st.just("odd_numbers"), st.sampled_from(["1e999", "NaN", "-Infinity", "1" * 5000])),
)

ttlock_foreign_request = st.fixed_dictionaries(
    {
        "body": ttlock_body,
        "content_type": content_types,
        "chunked": st.booleans(),
        "extra_headers": st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "x-real-ip",
                        "user-agent",
                        "x-msc-request-signature",
                        "cookie",
                        "accept-encoding",
                    ]
                ),
                header_text,
            ),
            max_size=3,
        ),
    }
)

# `records` of a push for a lock the entry owns that is not JSON, or JSON but not a list.
ttlock_bad_records = st.one_of(
    st.text(max_size=80).filter(lambda text: not _is_json_list_or_object(text)),
    json_scalars.map(lambda value: _dumps(value)),
    st.sampled_from(["[", "[{", "[{}", '{"recordType": 12', "null", "[]]", '"[]"']),
)
ttlock_bad_push = st.fixed_dictionaries(
    {
        "records": st.lists(ttlock_bad_records, min_size=1, max_size=2),
        # a missing or unusable top-level lockId spoils even good records
        "lock_id": st.sampled_from(["own", "own", "missing", "garbage", "float"]),
        "good_records_too": st.booleans(),
    }
)

# One record of a push for a lock the entry owns (see the TTLock fuzz test for their meaning).
ttlock_record = st.one_of(
    st.tuples(
        st.just("bolt"),
        st.booleans(),  # locked
        st.booleans(),  # success
        st.integers(min_value=0, max_value=100),  # battery
        st.booleans(),  # numbers as text
    ),
    st.tuples(
        st.just("unknown_type"),
        st.integers(min_value=1000, max_value=99999),
        st.integers(min_value=0, max_value=100),
    ),
    st.tuples(
        st.just("broken"),
        st.sampled_from(["no_type", "bad_type", "no_date", "bad_date"]),
        st.sampled_from([None, True, [], {}, "abc", "", 1.5]),
    ),
    st.tuples(st.just("junk"), non_objects),
    st.tuples(
        st.just("wrong_optional"),
        st.sampled_from(
            ["username", "keyboardPwd", "electricQuantity", "success", "serverDate", "lockMac"]
        ),
        st.sampled_from([None, True, [], {}, "abc", "", 1.5, {"a": [1]}]),
    ),
)
ttlock_own_push = st.fixed_dictionaries(
    {
        "records": st.lists(ttlock_record, min_size=1, max_size=6),
        "split": st.booleans(),  # `records` repeated, one record per field
        "with_record_lock_id": st.booleans(),
    }
)


def _dumps(value: Any) -> str:
    return json.dumps(value)


def _is_json_list_or_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), list | dict)
    except (ValueError, RecursionError):
        return False


def header_name(name: str, case: str) -> str:
    """`name` in the spelling a case asks for (header names are case-insensitive)."""
    transform: Callable[[str], str] = {
        "lower": str.lower,
        "upper": str.upper,
        "title": str.capitalize,
    }[case]
    return "-".join(transform(part) for part in name.split("-"))
