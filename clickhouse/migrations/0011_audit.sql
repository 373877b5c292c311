-- The audit log (issue 18): who redrove which dead-lettered record, when,
-- with what result. Tiny: a plain MergeTree.
CREATE TABLE IF NOT EXISTS audit (
    at_ns Int64,
    usr String,
    action String,
    target String,
    result String,
    detail String
) ENGINE = MergeTree
ORDER BY (target, at_ns)
