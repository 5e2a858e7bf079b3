"""Plans are not in the admin: they are the client's, written with them through the pages
(plans.services), each change with who made it and why."""
