-- Core data: consortia, members, assessment cycles, assessments and answers.
-- Timestamps are UTC in RFC 3339 text so they sort and read well.

CREATE TABLE consortia (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    framework_id   TEXT    NOT NULL DEFAULT 'csf-2.0',
    scale_id       TEXT    NOT NULL DEFAULT 'ncsr',
    default_target INTEGER NOT NULL DEFAULT 5,
    -- Settings: show member names to IT leads in comparisons (otherwise
    -- peers are anonymised), and require a second factor for coordinators.
    share_names    INTEGER NOT NULL DEFAULT 0 CHECK (share_names IN (0,1)),
    require_totp   INTEGER NOT NULL DEFAULT 0 CHECK (require_totp IN (0,1)),
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL
);

CREATE TABLE members (
    id              INTEGER PRIMARY KEY,
    consortium_id   INTEGER NOT NULL REFERENCES consortia(id),
    name            TEXT    NOT NULL,
    slug            TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('municipality','county','school-district','utility','special-district','tribal')),
    population      INTEGER NOT NULL DEFAULT 0 CHECK (population >= 0),
    staff           INTEGER NOT NULL DEFAULT 0 CHECK (staff >= 0),
    it_budget       INTEGER NOT NULL DEFAULT 0 CHECK (it_budget >= 0), -- whole dollars a year
    contact_name    TEXT    NOT NULL DEFAULT '',
    contact_email   TEXT    NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    UNIQUE (consortium_id, slug)
);

CREATE TABLE cycles (
    id             INTEGER PRIMARY KEY,
    consortium_id  INTEGER NOT NULL REFERENCES consortia(id),
    name           TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('open','closed')),
    opened_at      TEXT    NOT NULL,
    closed_at      TEXT,
    UNIQUE (consortium_id, name)
);

CREATE TABLE assessments (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members(id),
    cycle_id      INTEGER NOT NULL REFERENCES cycles(id),
    status        TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','submitted','reviewed')),
    submitted_by  TEXT    NOT NULL DEFAULT '',
    submitted_at  TEXT,
    reviewed_by   TEXT    NOT NULL DEFAULT '',
    reviewed_at   TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    UNIQUE (member_id, cycle_id)
);

-- Answers are never updated in place: every save adds a row with the next
-- version and clears is_current on the one before, so the history of each
-- answer is kept and a stale save can be detected by its version.
CREATE TABLE answers (
    id              INTEGER PRIMARY KEY,
    assessment_id   INTEGER NOT NULL REFERENCES assessments(id),
    subcategory_id  TEXT    NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    is_current      INTEGER NOT NULL DEFAULT 1 CHECK (is_current IN (0,1)),
    choice          TEXT    NOT NULL DEFAULT '',   -- scale choice key; '' when unanswered or N/A
    score           INTEGER NOT NULL DEFAULT 0,    -- score of the choice; 0 when unanswered or N/A
    target          INTEGER NOT NULL,
    not_applicable  INTEGER NOT NULL DEFAULT 0 CHECK (not_applicable IN (0,1)),
    justification   TEXT    NOT NULL DEFAULT '',   -- why N/A
    accepted_by     TEXT    NOT NULL DEFAULT '',   -- who formally accepted the risk
    acceptance      TEXT    NOT NULL DEFAULT '',   -- the written acceptance
    notes           TEXT    NOT NULL DEFAULT '',
    evidence        TEXT    NOT NULL DEFAULT '',
    scale_id        TEXT    NOT NULL,
    scale_version   INTEGER NOT NULL,
    answered_by     TEXT    NOT NULL,
    answered_at     TEXT    NOT NULL,
    UNIQUE (assessment_id, subcategory_id, version)
);
CREATE UNIQUE INDEX answers_current ON answers (assessment_id, subcategory_id) WHERE is_current = 1;
