"""Analyses over annotated segments. Each follows scikit-learn's contract: parameters in
``__init__``, ``fit`` returns ``self``, results in attributes ending in ``_`` (DataFrames whose rows
keep ``doc_id``, ``seg_id``, ``start_char`` and ``end_char``)."""
