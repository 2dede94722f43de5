"""A contribution as Word files in the shapes a 3GPP meeting takes: the discussion paper
(header block, 1 Introduction, 2 Discussion, 3 Proposal) and the draft CR (the CR form's
cover page, then the changed clause between "First Change" and "End of Changes" marks).

python-docx writes everything it has an API for (headings, paragraphs, runs, tables,
pictures). It has none for revision marks, so the CR's change is raw WordprocessingML, as
Word writes it with "Track Changes" on: deleted words as <w:del><w:r><w:delText>, inserted
ones as <w:ins><w:r><w:t>, each with w:id, w:author and w:date, so that a delegate accepts
or rejects them in Word or LibreOffice.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from .chart_layout import chart_pages
from .chart_model import Chart
from .charts import dot
from .dot_render import need_dot, render_files
from .fix_text import DELETED, INSERTED, KEPT

AUTHOR = "<author>"  # a visible placeholder: the marks are the delegate's, never the tool's
MEETING = "3GPP TSG-SA WG6 Meeting #<number>"
WHERE = "<location>, <dates>"
TDOC = "S6-<tdoc number>"
FIRST_CHANGE = "* * * First Change * * *"
END_OF_CHANGES = "* * * End of Changes * * *"
# The cover page's fields, in the CR form's order (its labels, with the form's colon).
COVER_FIELDS = (("Specification", "spec"), ("CR", "cr"), ("rev", "rev"),
                ("Current version", "version"), ("Title", "title"), ("Source to WG", "source"),
                ("Work item code", "work_item"), ("Date", "date"), ("Category", "category"),
                ("Release", "release"), ("Reason for change", "reason"),
                ("Summary of change", "summary"),
                ("Consequences if not approved", "consequences"),
                ("Clauses affected", "clauses"), ("Other specs affected", "other_specs"),
                ("Proposed change affects", "affects"), ("Other comments", "comments"))
# What the CR form asks that the text cannot tell: left for the delegate to fill in.
AFFECTS = "UICC apps <yes/no>, ME <yes/no>, Radio Access Network <yes/no>, Core Network <yes/no>"
# 3GPP documents are A4 with 2 cm margins: a text width of 17 cm.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(21), Cm(29.7), Cm(2)


def _a4(doc: Any) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.left_margin = section.right_margin = MARGIN
        section.top_margin = section.bottom_margin = MARGIN


def _text_width(doc: Any) -> Any:
    section = doc.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def chart_png(c: Chart, base: Path) -> list[Path]:
    """The chart as PNG pictures, one per page (chart_pages), rendered from the same DOT
    `mcfsm diagram` renders to SVG; a picture is what Word embeds without a converter."""
    need_dot("the paper's figure")
    sources = []
    for n, page in enumerate(chart_pages(c), 1):
        source = base.with_name(f"{base.name}-p{n}.dot")
        source.write_text(dot(page))
        sources.append(source)
    # as `mcfsm diagram` draws them: the DOT names its own layout (every point pinned)
    out = render_files(sources, "png", ["-Gdpi=110"])
    for source in sources:
        source.unlink()
    return out


def _header(doc: Any, p: dict[str, Any], purpose: str) -> None:
    """The block every tdoc starts with: meeting, tdoc number, then the labelled lines."""
    _a4(doc)
    first = doc.add_paragraph()
    first.add_run(MEETING).bold = True
    first.add_run("\t")
    first.add_run(TDOC).bold = True
    # the tdoc number right-aligned at the right margin, never past it
    first.paragraph_format.tab_stops.add_tab_stop(_text_width(doc), WD_TAB_ALIGNMENT.RIGHT)
    doc.add_paragraph().add_run(WHERE).bold = True
    doc.add_paragraph()
    for label, value in (("Source:", p["source"]), ("Title:", p["title"]),
                         ("Agenda item:", "<agenda item>"), ("Document for:", purpose)):
        line = doc.add_paragraph()
        line.paragraph_format.tab_stops.add_tab_stop(Cm(3.5))
        line.add_run(label).bold = True
        line.add_run("\t" + value)


def _step(doc: Any, number: str, text: str) -> None:
    """A numbered stage-2 step: "1." and a tab, with a hanging indent (3GPP's B1 look)."""
    para = doc.add_paragraph(f"{number}\t{text}")
    para.paragraph_format.left_indent = Cm(1)
    para.paragraph_format.first_line_indent = Cm(-1)
    para.paragraph_format.tab_stops.add_tab_stop(Cm(1))


def _figure(doc: Any, png: Path, caption_words: str) -> None:
    doc.add_picture(str(png), width=Cm(16))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = doc.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.add_run(caption_words).bold = True


def _case(doc: Any, case: dict[str, Any], figures: list[Path], figure_title: str,
          reading_figures: Sequence[tuple[str, list[Path]]], number: int) -> int:
    """One case: its scenario as numbered steps, the outcome, its chart, the analysis and
    a chart per reading under which it occurs; figures are numbered 2-`number` on; the
    next free number is returned."""
    doc.add_paragraph("The following scenario shows the case, in the steps of the procedure:")
    for text in case["pre_steps"]:
        _step(doc, "0.", "Pre-condition: " + text[:1].lower() + text[1:])
    for n, text in enumerate(case["steps"], 1):
        _step(doc, f"{n}.", text)
    doc.add_paragraph(case["outcome"])
    for n, png in enumerate(figures, 1):
        part = f" (part {n} of {len(figures)})" if len(figures) > 1 else ""
        _figure(doc, png, f"Figure 2-{number}: {figure_title}{part}")
    number += 1
    for text in case["analysis"]:
        doc.add_paragraph(text)
    if reading_figures:
        doc.add_paragraph("The figures below show, for each reading under which the case "
                          "occurs, the shortest scenario under that reading.")
    for caption_words, pngs in reading_figures:
        for n, png in enumerate(pngs, 1):
            part = f" (part {n} of {len(pngs)})" if len(pngs) > 1 else ""
            _figure(doc, png, f"Figure 2-{number}: {caption_words}{part}")
        number += 1
    return number


def _opening(paper: dict[str, Any]) -> Any:
    doc = Document()
    _header(doc, paper, "Discussion and Approval")
    doc.add_heading("1\tIntroduction", level=1)
    for text in paper["introduction"]:
        doc.add_paragraph(text)
    doc.add_heading("2\tDiscussion", level=1)
    for text in paper["discussion"]:
        doc.add_paragraph(text)
    for q in paper["quotes"]:  # the spec's own words, marked as quoted
        doc.add_paragraph().add_run(f"Clause {q['where']}:").bold = True
        for para in q["text"].split("\n"):
            quoted = doc.add_paragraph(para)
            quoted.paragraph_format.left_indent = Cm(1)
            for run in quoted.runs:
                run.italic = True
    return doc


def _closing(doc: Any, paper: dict[str, Any], path: Path) -> None:
    doc.add_heading("3\tProposal", level=1)
    for text in paper["proposal"]:
        doc.add_paragraph(text)
    doc.save(str(path))


def write_paper(paper: dict[str, Any], figures: list[Path], figure_title: str, path: Path,
                reading_figures: Sequence[tuple[str, list[Path]]] = ()) -> None:
    """The discussion paper; `reading_figures` (a question's): per reading under which the
    case occurs, a caption and the pictures of its shortest scenario, after the analysis."""
    doc = _opening(paper)
    _case(doc, paper, figures, figure_title, reading_figures, 1)
    _closing(doc, paper, path)


def write_joint_paper(paper: dict[str, Any], charts: list[tuple[list[Path], str,
                      Sequence[tuple[str, list[Path]]]]], path: Path) -> None:
    """The paper for findings with one root (contribution.joint_contribution): the quotes
    once, then a subclause per case (`paper["cases"]`) with its charts (`charts`: per case,
    its scenario's pictures, their title and its per-reading charts), one proposal."""
    doc = _opening(paper)
    number = 1
    for k, (case, (figures, title, readings)) in enumerate(zip(paper["cases"], charts,
                                                                strict=True), 1):
        doc.add_heading(f"2.{k}\t{case['heading']}", level=2)
        number = _case(doc, case, figures, title, readings, number)
    _closing(doc, paper, path)


def _revision(kind: str, text: str, ids: itertools.count, date: str,
              author: str = AUTHOR) -> Any:
    """<w:del> or <w:ins> holding one run of `text` (w:delText in a deletion, as Word
    requires: a w:t there would read as text still present)."""
    mark = OxmlElement("w:del" if kind == DELETED else "w:ins")
    mark.set(qn("w:id"), str(next(ids)))
    mark.set(qn("w:author"), author)
    mark.set(qn("w:date"), date)
    run = OxmlElement("w:r")
    t = OxmlElement("w:delText" if kind == DELETED else "w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    mark.append(run)
    return mark


def revised_paragraph(para: Paragraph, runs: list[tuple[str, str]], ids: itertools.count,
                      date: str, author: str = AUTHOR) -> None:
    for kind, text in runs:
        if kind == KEPT:
            para.add_run(text)
        elif kind in (DELETED, INSERTED):
            para._p.append(_revision(kind, text, ids, date, author))


def _cover(doc: Any, cr: dict[str, Any]) -> None:
    form = doc.add_paragraph("CR-Form-v12.3")
    form.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    head = table.rows[0].cells
    merged = head[0].merge(head[1])
    merged.text = "CHANGE REQUEST"
    merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    merged.paragraphs[0].runs[0].bold = True
    merged.paragraphs[0].runs[0].font.size = Pt(14)
    for label, key in COVER_FIELDS:
        cells = table.add_row().cells
        cells[0].text = label + ":"
        cells[0].paragraphs[0].runs[0].bold = True
        value = cr.get(key, "")
        if key == "affects":
            value = value or AFFECTS
        elif key == "comments":  # why the category, and what was checked
            value = "\n".join(x for x in (cr.get("category_why", ""), value) if x)
        cells[1].text = value
    # the grid's widths too: LibreOffice lays a table out by its grid, not its cells
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Cm(4.5), Cm(12)
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Cm(4.5), Cm(12)


def write_cr(cr: dict[str, Any], path: Path, date: str | None = None,
             author: str = AUTHOR) -> int:
    """The draft CR; returns how many revision marks it holds. `author` signs the revision
    marks (a delegate's name or company, `contribution --author`)."""
    date = date or datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc = Document()
    _header(doc, {"source": cr["source"], "title": cr["title"]}, "Approval")
    _cover(doc, cr)
    ids = itertools.count(1)
    for k, change in enumerate(cr["changes"]):
        mark = doc.add_paragraph(FIRST_CHANGE if k == 0 else "* * * Next Change * * *")
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        number, _, name = change["heading"].partition(" ")
        depth = min(number.count(".") + 1, 9)
        doc.add_heading(f"{number}\t{name}", level=depth)
        # a block holds every change to its clause (`marks`: line -> revision runs)
        marks = change.get("marks") or {change["line"]: change["runs"]}
        for n, line in enumerate(change["body"]):
            para = doc.add_paragraph()
            if n in marks:
                revised_paragraph(para, marks[n], ids, date, author)
            else:
                para.add_run(line)
    end = doc.add_paragraph(END_OF_CHANGES)
    end.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.save(str(path))
    return next(ids) - 1
