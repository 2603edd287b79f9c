"""Repository functions for crosswalks and contract-measures catalogues (and users' own measures and links)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from . import schema as t


def add_crosswalk(s: Session, cw) -> None:
    s.merge(t.Crosswalk(id=cw.id, from_framework=cw.from_framework, to_framework=cw.to_framework,
                        mapping=[{k: m.get(k) for k in ("from", "to", "reason", "note")} for m in cw.mapping],
                        description=cw.description, source_file=cw.source_file))
    s.flush()


def get_crosswalk(s: Session, crosswalk_id: str):
    from ..frameworks import Crosswalk

    row = s.get(t.Crosswalk, crosswalk_id)
    if row is None:
        raise NotFoundError(f"no crosswalk {crosswalk_id!r} in this project (known: {', '.join(crosswalk_ids(s))})")
    return Crosswalk(id=row.id, from_framework=row.from_framework, to_framework=row.to_framework,
                     mapping=list(row.mapping), description=row.description or "", source_file=row.source_file)


def crosswalk_ids(s: Session) -> list[str]:
    return list(s.scalars(select(t.Crosswalk.id).order_by(t.Crosswalk.id)))


def crosswalks_between(s: Session, from_framework: str, to_framework: str) -> list[str]:
    return list(s.scalars(select(t.Crosswalk.id).where(t.Crosswalk.from_framework == from_framework,
                                                       t.Crosswalk.to_framework == to_framework)))


def add_catalogue(s: Session, cat) -> None:
    if s.get(t.MeasureCatalogue, cat.id) is not None:
        s.delete(s.get(t.MeasureCatalogue, cat.id))
        s.flush()
    s.add(t.MeasureCatalogue(id=cat.id, name=cat.name, framework_id=cat.framework, source=cat.source,
                             meta={"choosing_wisely": cat.choosing_wisely}, source_file=cat.source_file))
    s.flush()
    for m in cat.measures:
        add_measure(s, cat.id, m["id"], m["title"], m.get("description"), m.get("quantities"),
                    section=m.get("section"), origin="catalogue")
        for tg in m.get("targets") or []:
            set_link(s, cat.id, m["id"], tg["driver"], tg.get("rationale"), origin="catalogue")
    s.flush()


def catalogue_ids(s: Session) -> list[str]:
    return list(s.scalars(select(t.MeasureCatalogue.id).order_by(t.MeasureCatalogue.id)))


def get_catalogue(s: Session, catalogue_id: str):
    """The catalogue as stored in the project (with users' own measures and edited links)."""
    from ..frameworks import MeasuresCatalogue

    row = s.get(t.MeasureCatalogue, catalogue_id)
    if row is None:
        raise NotFoundError(f"no measures catalogue {catalogue_id!r} (known: {', '.join(catalogue_ids(s))})")
    measures = []
    for m in s.scalars(select(t.Measure).where(t.Measure.catalogue_id == catalogue_id).order_by(t.Measure.pk)):
        links = s.scalars(select(t.MeasureLink).where(t.MeasureLink.measure_pk == m.pk).order_by(t.MeasureLink.id))
        measures.append({"id": m.id, "title": m.title, "description": m.description or "", "section": m.section,
                         "quantities": list(m.quantities or []), "origin": m.origin,
                         "targets": [{"driver": lk.code_id, "rationale": lk.rationale or "", "origin": lk.origin}
                                     for lk in links]})
    return MeasuresCatalogue(id=row.id, name=row.name, framework=row.framework_id, measures=measures,
                             choosing_wisely=list((row.meta or {}).get("choosing_wisely", [])),
                             source=row.source or "", source_file=row.source_file)


def _measure(s: Session, catalogue_id: str, measure_id: str) -> t.Measure:
    row = s.scalar(select(t.Measure).where(t.Measure.catalogue_id == catalogue_id, t.Measure.id == measure_id))
    if row is None:
        raise NotFoundError(f"no measure {measure_id!r} in catalogue {catalogue_id!r}")
    return row


def add_measure(s: Session, catalogue_id: str, measure_id: str, title: str, description: str | None = "",
                quantities: list | None = None, *, section: dict | None = None, origin: str = "user") -> None:
    """A measure of a catalogue: a user's own (``origin="user"``) or one the catalogue file lists."""
    if s.get(t.MeasureCatalogue, catalogue_id) is None:
        raise NotFoundError(f"no measures catalogue {catalogue_id!r}")
    s.add(t.Measure(catalogue_id=catalogue_id, id=measure_id, title=title, description=description, section=section,
                    quantities=quantities or [], origin=origin))
    s.flush()


def set_link(s: Session, catalogue_id: str, measure_id: str, code_id: str, rationale: str | None = "", *,
             origin: str = "user") -> None:
    """Link a measure to a driver code (or change the rationale of its link)."""
    m = _measure(s, catalogue_id, measure_id)
    row = s.scalar(select(t.MeasureLink).where(t.MeasureLink.measure_pk == m.pk, t.MeasureLink.code_id == code_id))
    if row is None:
        s.add(t.MeasureLink(measure_pk=m.pk, code_id=code_id, rationale=rationale, origin=origin))
    else:
        row.rationale = rationale
    s.flush()


def remove_link(s: Session, catalogue_id: str, measure_id: str, code_id: str) -> None:
    m = _measure(s, catalogue_id, measure_id)
    row = s.scalar(select(t.MeasureLink).where(t.MeasureLink.measure_pk == m.pk, t.MeasureLink.code_id == code_id))
    if row is None:
        raise NotFoundError(f"measure {measure_id!r} has no link to {code_id!r}")
    s.delete(row)
