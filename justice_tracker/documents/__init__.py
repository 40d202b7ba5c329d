"""Case documents as PDF: the case summary, the child-friendly summary and the legal-aid release pack.

- `content`: what a document says about a case at an instant (timeline, custody, deadlines, next steps);
  `alternatives`: the case's referrals and the ranked programme suggestions, as plain data;
  `chart`: the visual timeline; `child`: the child-friendly words (en, fr, es); `drafts`: the draft
  application for release (per-jurisdiction templates in `reports/applications/`).
- `service`: access check, HTML from the print templates in `reports/` (autoescaped), render, one audit row.
- `engine` and `worker`: WeasyPrint runs in worker processes with a memory cap and a watchdog (limits).
- `fetcher`: the only URLs a document may read are the project's own assets (`jt-asset:`, listed by
  `assets`, which the application imports instead: WeasyPrint is loaded only where a PDF is rendered).
- `views` (case page), `api` (`/api/v1`), `cli` (`flask documents render`).
"""
