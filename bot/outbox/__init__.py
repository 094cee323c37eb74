"""Messages sent outside the turn that caused them.

notify.py  the one way out: log for the transcript and queue, in the caller's transaction
worker.py  delivers the queue through each channel's sender, with retries
sender.py  the `Sender` protocol a channel implements for the worker, and `DeliveryError`
"""
