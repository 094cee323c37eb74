"""Staff alerts: telling a station's staff on their own phones that a veteran is waiting.

The console stays where the work is done; alerts only say that there is work, and where:
a ticket's number, its station, how long it has waited and a link into the console — never an
ID number, a phone or the veteran's words, since an alert may be read aloud in an office.

targets.py  where a station's alerts go: its WeCom group robot and/or Telegram staff chat
compose.py  the alerts' wording (new ticket, escalation warning, escalated, new message, digest)
scan.py     the periodic job that finds what to tell, marks each alert once, queues it
pace.py     N messages a minute per destination (WeCom robots: 20; Telegram groups: 20),
            counted for all the server's processes together (in Redis when configured)
wecom.py    the outbox's sender for WeCom group robots
answers.py  staff answering from the Telegram staff chat: link an account, claim, reply
codes.py    the one-time code a staff member gets in the console to link their Telegram
health.py   destinations whose latest alert failed, for /healthz and the console
"""
