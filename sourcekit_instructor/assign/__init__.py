"""Assigning: one master per exercise becomes every copy, key and guide table (``make exercises``).

* :mod:`.generate` runs ``otter assign`` on a master and executes the copies;
* :mod:`.keys` builds the answer key of salted digests from the solutions' answers.
"""
