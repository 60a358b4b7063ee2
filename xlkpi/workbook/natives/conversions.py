"""Excel's CONVERT: a number from one unit of measure to another of the same kind.

Units are case-sensitive names from Excel's table (:data:`UNITS`). Metric units take a
decimal prefix (``"km"``, ``"mPa"``; a square or cubic unit takes it squared or cubed:
``"cm2"``), bits and bytes also a binary one (``"kibyte"``). An unknown unit, or two units
of different kinds, is ``#N/A``; a number argument that is TRUE/FALSE or not a number is
``#VALUE!``. Temperatures convert through kelvin with their offsets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from xlkpi.workbook.natives.base import EMPTY, fail, number
from xlkpi.workbook.natives.engineering import toolpak

__all__ = ["BINARY_PREFIXES", "FUNCTIONS", "PREFIXES", "UNITS", "Unit", "units"]


class Unit(NamedTuple):
    """A unit: its kind, its size in the kind's base unit, whether it takes a prefix and
    the power a prefix is raised to (2 for areas like ``m2``, 3 for volumes)."""

    kind: str
    size: float
    prefix: bool = False
    power: int = 1


_POINT = 0.0254 / 72
_LIGHT_YEAR = 9460730472580800.0
_MILE = 1609.344
_NAUTICAL_MILE = 1852.0
_FOOT_POUND = 0.3048 * 4.4482216152605


def _units() -> dict[str, Unit]:
    table: dict[str, Unit] = {}

    def add(kind: str, names: str, size: float, prefix: bool = False, power: int = 1) -> None:
        for name in names.split():
            table[name] = Unit(kind, size, prefix, power)

    # Mass, in grams.
    add("mass", "g", 1.0, True)
    add("mass", "u", 1.660538782e-24, True)
    add("mass", "sg", 14593.9029372064)
    add("mass", "lbm", 453.59237)
    add("mass", "ozm", 28.349523125)
    add("mass", "grain", 0.06479891)
    add("mass", "cwt shweight", 45359.237)
    add("mass", "uk_cwt lcwt hweight", 50802.34544)
    add("mass", "stone", 6350.29318)
    add("mass", "ton", 907184.74)
    add("mass", "uk_ton LTON brton", 1016046.9088)
    # Distance, in metres.
    add("distance", "m", 1.0, True)
    add("distance", "ang", 1e-10, True)
    add("distance", "ly", _LIGHT_YEAR, True)
    add("distance", "parsec pc", 3.08567758128155e16, True)
    add("distance", "mi", _MILE)
    add("distance", "Nmi", _NAUTICAL_MILE)
    add("distance", "in", 0.0254)
    add("distance", "ft", 0.3048)
    add("distance", "yd", 0.9144)
    add("distance", "ell", 1.143)
    add("distance", "Picapt Pica", _POINT)
    add("distance", "pica", 0.0254 / 6)
    add("distance", "survey_mi", 6336000 / 3937)
    # Time, in seconds.
    add("time", "sec s", 1.0, True)
    add("time", "yr", 31557600.0)
    add("time", "day d", 86400.0)
    add("time", "hr", 3600.0)
    add("time", "mn min", 60.0)
    # Pressure, in pascals.
    add("pressure", "Pa p", 1.0, True)
    add("pressure", "atm at", 101325.0, True)
    add("pressure", "mmHg", 133.322, True)
    add("pressure", "psi", 6894.75729316836)
    add("pressure", "Torr", 101325 / 760)
    # Force, in newtons.
    add("force", "N", 1.0, True)
    add("force", "dyn dy", 1e-5, True)
    add("force", "pond", 9.80665e-3, True)
    add("force", "lbf", 4.4482216152605)
    # Energy, in joules.
    add("energy", "J", 1.0, True)
    add("energy", "e", 1e-7, True)
    add("energy", "c", 4.184, True)
    add("energy", "cal", 4.1868, True)
    add("energy", "eV ev", 1.602176487e-19, True)
    add("energy", "Wh wh", 3600.0, True)
    add("energy", "HPh hh", 1980000 * _FOOT_POUND)
    add("energy", "flb", _FOOT_POUND)
    add("energy", "BTU btu", 1055.05585262)
    # Power, in watts.
    add("power", "W w", 1.0, True)
    add("power", "HP h", 550 * _FOOT_POUND)
    add("power", "PS", 735.49875)
    # Magnetism, in teslas.
    add("magnetism", "T", 1.0, True)
    add("magnetism", "ga", 1e-4, True)
    # Temperature: the size is only used for a prefix (kelvin); see _to_kelvin.
    add("temperature", "C cel F fah Rank Reau", 1.0)
    add("temperature", "K kel", 1.0, True)
    # Volume, in cubic metres.
    add("volume", "m3 m^3", 1.0, True, 3)
    add("volume", "ang3 ang^3", 1e-30, True, 3)
    add("volume", "l L lt", 1e-3, True)
    add("volume", "tsp", 4.92892159375e-6)
    add("volume", "tspm", 5e-6)
    add("volume", "tbs", 1.478676478125e-5)
    add("volume", "oz", 2.95735295625e-5)
    add("volume", "cup", 2.365882365e-4)
    add("volume", "pt us_pt", 4.73176473e-4)
    add("volume", "uk_pt", 5.6826125e-4, True)
    add("volume", "qt", 9.46352946e-4)
    add("volume", "uk_qt", 1.1365225e-3)
    add("volume", "gal", 3.785411784e-3)
    add("volume", "uk_gal", 4.54609e-3)
    add("volume", "barrel", 0.158987294928)
    add("volume", "bushel", 0.03523907016688)
    add("volume", "ft3 ft^3", 0.3048 ** 3)
    add("volume", "in3 in^3", 0.0254 ** 3)
    add("volume", "yd3 yd^3", 0.9144 ** 3)
    add("volume", "mi3 mi^3", _MILE ** 3)
    add("volume", "Nmi3 Nmi^3", _NAUTICAL_MILE ** 3)
    add("volume", "ly3 ly^3", _LIGHT_YEAR ** 3)
    add("volume", "Picapt3 Picapt^3 Pica3 Pica^3", _POINT ** 3)
    add("volume", "GRT regton", 100 * 0.3048 ** 3)
    add("volume", "MTON", 40 * 0.3048 ** 3)
    # Area, in square metres.
    add("area", "m2 m^2", 1.0, True, 2)
    add("area", "ang2 ang^2", 1e-20, True, 2)
    add("area", "ar", 100.0, True)
    add("area", "ha", 10000.0)
    add("area", "uk_acre", 4046.8564224)
    add("area", "us_acre", 43560 * (1200 / 3937) ** 2)
    add("area", "Morgen", 2500.0)
    add("area", "ft2 ft^2", 0.3048 ** 2)
    add("area", "in2 in^2", 0.0254 ** 2)
    add("area", "yd2 yd^2", 0.9144 ** 2)
    add("area", "mi2 mi^2", _MILE ** 2)
    add("area", "Nmi2 Nmi^2", _NAUTICAL_MILE ** 2)
    add("area", "ly2 ly^2", _LIGHT_YEAR ** 2)
    add("area", "Picapt2 Picapt^2 Pica2 Pica^2", _POINT ** 2)
    # Speed, in metres per second.
    add("speed", "m/s m/sec", 1.0, True)
    add("speed", "m/h m/hr", 1 / 3600, True)
    add("speed", "mph", _MILE / 3600, True)
    add("speed", "kn", _NAUTICAL_MILE / 3600)
    add("speed", "admkn", 6080 * 0.3048 / 3600)
    # Information, in bits.
    add("information", "bit", 1.0, True)
    add("information", "byte", 8.0, True)
    return table


#: Excel's units by name.
UNITS: dict[str, Unit] = _units()

#: Decimal prefixes, for every unit that takes a prefix.
PREFIXES: dict[str, float] = {
    "Y": 1e24, "Z": 1e21, "E": 1e18, "P": 1e15, "T": 1e12, "G": 1e9, "M": 1e6, "k": 1e3,
    "h": 1e2, "da": 1e1, "e": 1e1, "d": 1e-1, "c": 1e-2, "m": 1e-3, "u": 1e-6, "n": 1e-9,
    "p": 1e-12, "f": 1e-15, "a": 1e-18, "z": 1e-21, "y": 1e-24,
}

#: Binary prefixes, for bits and bytes only.
BINARY_PREFIXES: dict[str, float] = {
    "ki": 2.0 ** 10, "Mi": 2.0 ** 20, "Gi": 2.0 ** 30, "Ti": 2.0 ** 40, "Pi": 2.0 ** 50,
    "Ei": 2.0 ** 60, "Zi": 2.0 ** 70, "Yi": 2.0 ** 80,
}


def units(name: str) -> list[tuple[Unit, float]]:
    """The units a name can stand for, each with its prefix factor (1 without one): the
    unit of that name first, then prefixed units (``"pc"`` is a parsec, or a picocalorie
    when converted to an energy)."""
    found = [(UNITS[name], 1.0)] if name in UNITS else []
    for table, kinds in ((PREFIXES, None), (BINARY_PREFIXES, {"information"})):
        for prefix, factor in table.items():
            if not name.startswith(prefix):
                continue
            base = UNITS.get(name[len(prefix):])
            if base and base.prefix and (kinds is None or base.kind in kinds):
                found.append((base, factor ** base.power))
    return found


def _pair(source: str, target: str) -> tuple[tuple[Unit, float], tuple[Unit, float]]:
    """The first reading of both unit names that gives units of one kind (else #N/A)."""
    for one in units(source):
        for other in units(target):
            if one[0].kind == other[0].kind:
                return one, other
    raise fail("#N/A")


def _to_kelvin(value: float, name: str) -> float:
    if name in ("C", "cel"):
        return value + 273.15
    if name in ("F", "fah"):
        return (value - 32) * 5 / 9 + 273.15
    if name == "Rank":
        return value * 5 / 9
    if name == "Reau":
        return value * 5 / 4 + 273.15
    return value


def _from_kelvin(value: float, name: str) -> float:
    if name in ("C", "cel"):
        return value - 273.15
    if name in ("F", "fah"):
        return (value - 273.15) * 9 / 5 + 32
    if name == "Rank":
        return value * 9 / 5
    if name == "Reau":
        return (value - 273.15) * 4 / 5
    return value


def _base_name(name: str) -> str:
    """The unit name without its prefix (the prefix is already in the factor)."""
    if name in UNITS:
        return name
    return "K" if name.endswith("K") else "kel"


@toolpak
def _convert(value: Any, from_unit: Any, to_unit: Any) -> float:
    """CONVERT(number, from_unit, to_unit)."""
    if not isinstance(from_unit, str) or not isinstance(to_unit, str):
        raise fail("#N/A")
    (kind_unit, source_factor), (target_unit, target_factor) = _pair(from_unit, to_unit)
    if isinstance(value, bool | np.bool_):
        raise fail("#VALUE!")
    amount = 0.0 if value is EMPTY else number(value)
    if kind_unit.kind == "temperature":
        kelvin = _to_kelvin(amount * source_factor, _base_name(from_unit))
        return _from_kelvin(kelvin, _base_name(to_unit)) / target_factor
    return amount * (kind_unit.size * source_factor) / (target_unit.size * target_factor)


FUNCTIONS: dict[str, Callable[..., Any]] = {"CONVERT": _convert}
