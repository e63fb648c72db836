"""Letters the owner signs: demand letters, notes and confirmations as PDF, from plain data.

``model`` holds the values, ``texts`` the owner's templates, ``pdf`` the ReportLab layout and
``postbook`` the registered-mail list; none of them touches the database (the service in
``desktop_app.services.letters`` builds the values).
"""
