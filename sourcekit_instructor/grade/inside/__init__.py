"""The only grading code that runs inside the sandbox, beside the student's code.

The sandbox binds this folder (and the students' library, ``sourcekit``) and
nothing else of the instructor's package: the grader's judging, keys,
instructor copies and gradebooks stay outside. Code here must not import
anything from :mod:`sourcekit_instructor` outside this folder.
"""
