-- Weakest-link analysis: links between members, the consortium's priority
-- weights, and a secret per cycle for anonymous peer labels.

-- An interconnection between two members of one consortium. Weakness
-- travels over it from from_member to to_member, and back unless directed.
CREATE TABLE links (
    id             INTEGER PRIMARY KEY,
    consortium_id  INTEGER NOT NULL REFERENCES consortia(id),
    from_member    INTEGER NOT NULL REFERENCES members(id),
    to_member      INTEGER NOT NULL REFERENCES members(id),
    kind           TEXT    NOT NULL,
    criticality    INTEGER NOT NULL CHECK (criticality BETWEEN 1 AND 3),
    directed       INTEGER NOT NULL DEFAULT 0 CHECK (directed IN (0,1)),
    note           TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL,
    CHECK (from_member <> to_member)
);
CREATE INDEX links_consortium ON links (consortium_id);

-- A consortium's own priority weight for a subcategory (0..10). Absent
-- rows mean the default weight (assessments.DefaultWeights).
CREATE TABLE weights (
    consortium_id  INTEGER NOT NULL REFERENCES consortia(id),
    subcategory_id TEXT    NOT NULL,
    weight         INTEGER NOT NULL CHECK (weight BETWEEN 0 AND 10),
    PRIMARY KEY (consortium_id, subcategory_id)
);

-- Anonymous labels ("Member C") are derived from this secret, so they stay
-- the same within a cycle but cannot be recomputed from member ids.
ALTER TABLE cycles ADD COLUMN anon_seed TEXT NOT NULL DEFAULT '';
UPDATE cycles SET anon_seed = lower(hex(randomblob(16))) WHERE anon_seed = '';
