# Danish conventions: "23. maj 2016", "kl. 9.30" (the "kl." comes from the templates), "1.995,00".
DATE_FORMAT = "j. F Y"
SHORT_DATE_FORMAT = "d.m.Y"
TIME_FORMAT = "G.i"
DATETIME_FORMAT = "j. F Y, \\k\\l. G.i"
SHORT_DATETIME_FORMAT = "d.m.Y G.i"
MONTH_DAY_FORMAT = "j. F"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1
