"""The county's time: Chinese working days and the county clock (`workdays`), the bureau's
working hours and deadlines counted in them (`hours`)."""
