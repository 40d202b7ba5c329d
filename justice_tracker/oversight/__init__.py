"""Oversight: de-identified detention audit, UNODC/UNICEF indicators, JDAI metrics, exports and API.

- `episodes`: custody episodes and placements stored per case (rebuilt with each change), so that
  aggregates are SQL; `models`: those tables, child populations and policy facts.
- `scope` (what a report covers), `sql` (dialect helpers), `queries` (the aggregates, in SQL).
- `layout`, `dashboard`, `jdai`, `indicators`: the tables; `report`: all of them, protected together;
  `cache`: built reports reused for minutes, and `report_store`: shared by the workers through Redis.
- `suppression` (pure): small cells and complementary suppression; `tables` (pure): cells that name
  what they count, and what is shown once protected; `charts` (pure): server-side SVG.
- `exports` (CSV, Excel), `pdf` (the report through the documents' renderer), `views`, `api`,
  `register` and `register_views` (populations, policy facts, inspections), `cli`, `demo`.
"""
