"""When a value in a file is the value already stored (kpi.domain.same_value): the import's "unchanged"."""
import pytest

from kpi.domain.same_value import Numbers, same_at_decimals, same_number, same_values


@pytest.mark.parametrize("a, b, same", [
    (None, None, True),
    (None, 0.0, False),
    (0.0, 0.0, True),
    (467.2578890097932, 467.257889009793, True),     # Calc keeps 15 significant digits
    (91.9, 91.90000000000001, True),
    (91.9, 91.91, False),
    (42941, 42942, False),
    (1e-20, 0.0, False),
])
def test_same_number_is_equal_to_a_spreadsheets_fifteen_digits(a, b, same):
    assert same_number(a, b) is same


@pytest.mark.parametrize("a, b, decimals, same", [
    (3.52, 3.52, 2, True),
    (3.52, 3.53, 2, False),
    (71.0293115201091, 71.02931152010906, 0, True),
    (70.4, 70.6, 0, False),        # 70 and 71 as people read them
    (70.4, 69.6, 0, True),         # both read 70
    (2.5, 3.4, 0, True),           # half up, as evaluate rounds: both 3
    (70.49999999999999, 70.5, 0, True),   # straddles a rounding boundary only in float digits
    (None, 70.0, 0, False),
])
def test_a_value_is_compared_at_the_indicators_decimals(a, b, decimals, same):
    assert same_at_decimals(a, b, decimals) is same


STORED = Numbers(467.2578890097932, 42941.0, 91.9, None)


@pytest.mark.parametrize("new, same", [
    (Numbers(467.257889009793, 42941.0, 91.9, None), True),    # as Calc gives it back
    (Numbers(None, 42941, 91.9, None), True),                    # the parts alone
    (Numbers(467.25, 42941.0, 91.9, None), True),                # a value rounded for display, same parts
    (Numbers(467.2578890097932, 42940.0, 91.9, None), False),
    (Numbers(467.2578890097932, 42941.0, 92.0, None), False),
    (Numbers(467.2578890097932, None, None, None), False),       # the parts dropped
    (Numbers(467.2578890097932, 42941.0, 91.9, 2.0), False),     # a weight added
])
def test_a_ratio_given_by_its_parts_is_compared_through_them(new, same):
    assert same_values(new, STORED, 0) is same


@pytest.mark.parametrize("comment, same", [(None, True), ("Q1", True), ("", False), ("=x", False)])
def test_a_comment_the_file_leaves_empty_keeps_the_stored_one(comment, same):
    stored = Numbers(61.0, None, None, None)
    assert same_values(Numbers(61.0, None, None, None), stored, 0, new_comment=comment, stored_comment="Q1") is same
