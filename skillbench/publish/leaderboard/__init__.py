"""The leaderboard: accepted submissions as a static web site and as Markdown tables.

A submission is a folder `<root>/<id>/` (see `skillbench.results.submission`, which states the trust model)
holding `result.json`, `submission.json` (`{"id", "accepted_at", "verified", "reproduced",
"verification", "method_check"}`), `submitted.json` (verified entries: the submitter's own file) and
the checkpoint and video the result names. Every build re-checks every entry as filed (schema, seal,
version, consistency, the folder's name, the files' sha256, a verified entry's submitted file), and
refuses (ValueError naming the folder) one that was changed after filing.

What a reader can rely on:

  verified rows       numbers measured by the leaderboard's own evaluation of the submitted
                      checkpoint; ranked per task (#) by mean Error when they still hold on this
                      SkillBench version (not stale);
  self-reported rows  the submitter's numbers, checked for form and consistency only: shown apart
                      (the site hides them until asked), never ranked;
  stale rows          measured on a SkillBench version that a later recorded change to their robot
                      and task (`skillbench.results.changes`) has overtaken: labelled with that
                      version, not ranked, until re-measured;
  claims              method labels of flat policies, training compute and hardware, git commits:
                      shown as the submitter's claims on the details page.

One evaluation (`submission.evaluation_key`) is one row: duplicates are merged into the best entry
(verified, then newest version, then first filed), whose details page lists the others.

`build_site` writes a site that works from `file://`, with no server:

  index.html                  per robot, a table of tasks x methods (rank, Error, success, success
                              rate, fall rate, the feasibility metrics, version), sortable by column
                              and filterable by robot and method; self-reported rows in their own
                              table, hidden by default; the paper's numbers are labelled reference rows
  app.js, style.css           the table's script (it reads the data embedded in index.html) and style
  submissions/<id>.html       one details page per submission: trust, settings, claims, provenance, rollouts
  submissions/<id>/<video>    the submission's video, when it has one

`markdown_table` gives the same tables in Markdown. Every string from a submission is untrusted
text: HTML is escaped, Markdown syntax is escaped (no links or images), the embedded JSON cannot
close its script element, the script writes text only (textContent), and a file is read from a
submission only by a plain name inside its folder.

The modules, each importing only those above it:
  entries   a filed entry (`Submission`), loaded and re-checked as filed; duplicates merged
  rows      the table rows (entries and the paper's reference numbers): columns, sections, ranks, cell text
  markdown  the Markdown tables
  markup    the HTML every page shares: escaped text, links, the page around a body
  details   a submission's details page
  website   index.html and the whole site, written into a new folder and swapped into place
This package gives the four that callers use: `load_submissions`, `Submission`, `markdown_table`, `build_site`.
"""

from skillbench.publish.leaderboard.entries import Submission, load_submissions
from skillbench.publish.leaderboard.markdown import markdown_table
from skillbench.publish.leaderboard.website import build_site

__all__ = ["Submission", "build_site", "load_submissions", "markdown_table"]
