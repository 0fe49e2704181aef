"""Browser pages of the reports: the dashboard with its charts, the drill-down list of
applications behind a number, and the home page of each role."""
