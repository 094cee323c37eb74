"""What the bot did not answer well, for the admin: recording it as turns end (`record`),
grouping the questions into needs (`clusters`), and the inbox built from them (`inbox`).

    record.py    the turn's outcome → a row: fallbacks, declined questions, clarifications
                 with no pick, 没帮助, handoffs staff answered with an entry; answers served
    sent.py      which knowledge-base entry a staff member's reply carried
    clusters.py  questions of the same need together: normalised, segmented, synonyms folded
    inbox.py     the clusters of a week and a station, the entries considered, the marks
"""
