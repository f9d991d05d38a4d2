"""Names as the reader sees them: in the chosen language, and units indented by their place in the tree."""
from kpi.models import Indicator, OrgUnit
from kpi.store.units import UnitInfo, UnitTree


def test_a_name_is_english_for_english_readers_and_finnish_otherwise():
    for item in (Indicator(code="nps", name_fi="Suositteluindeksi", name_en="Net promoter score"),
                 OrgUnit(code="TTH", name_fi="Työterveys Helsinki", name_en="Occupational Health Helsinki"),
                 UnitInfo(1, "TTH", "Työterveys Helsinki", "Occupational Health Helsinki", None, 0)):
        assert item.name_in("en") == item.name_en
        assert item.name_in("fi") == item.name_fi
        assert item.name_in("sv") == item.name_fi  # a language without names of its own reads the Finnish


def test_the_unit_pickers_list_units_in_tree_order_indented_by_depth():
    units = {"CITY": UnitInfo(1, "CITY", "Kaupunki", "City", None, 0),
             "TE": UnitInfo(2, "TE", "TE-toimisto", "Employment office", 1, 1),
             "NORTH": UnitInfo(3, "NORTH", "Pohjoinen alue", "North", 2, 0),
             "HR": UnitInfo(4, "HR", "Henkilöstö", "HR", 1, 2)}
    tree = UnitTree(units=units, children_of={"CITY": ["TE", "HR"], "TE": ["NORTH"]}, roots=["CITY"])
    assert list(tree.indented_names("en").items()) == [
        ("CITY", "City"), ("TE", "\u2003Employment office"), ("NORTH", "\u2003\u2003North"), ("HR", "\u2003HR")]
