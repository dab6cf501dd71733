-- Risk pooling: shared services a consortium runs for its members, who is
-- enrolled in them, the agreements behind them, tabletop exercises and
-- their findings, and the cyber-insurance tiers and certifications.
-- Money is whole cents (INTEGER). Dates are ISO 'YYYY-MM-DD' text, checked
-- with IS: date() of a non-date is NULL, which would pass a CHECK with =.

-- Endpoints (computers, servers) a member runs: one basis for sharing the
-- cost of a service.
ALTER TABLE members ADD COLUMN endpoints INTEGER NOT NULL DEFAULT 0 CHECK (endpoints >= 0);

-- A shared service. Its cost is fixed_cents plus the per-member, per-user
-- and per-endpoint parts, shared among enrolled members by share_rule;
-- standalone_cents is what a member would pay for the same alone. blend is
-- a JSON object rule -> percent when share_rule is 'blend', '' otherwise.
CREATE TABLE services (
    id                 INTEGER PRIMARY KEY,
    consortium_id      INTEGER NOT NULL REFERENCES consortia(id) ON DELETE CASCADE,
    key                TEXT    NOT NULL CHECK (key <> ''),
    name               TEXT    NOT NULL,
    description        TEXT    NOT NULL DEFAULT '',
    provider           TEXT    NOT NULL DEFAULT '',
    provider_kind      TEXT    NOT NULL CHECK (provider_kind IN ('consortium','member','state','vendor')),
    status             TEXT    NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed','active')),
    fixed_cents        INTEGER NOT NULL DEFAULT 0 CHECK (fixed_cents >= 0),
    per_member_cents   INTEGER NOT NULL DEFAULT 0 CHECK (per_member_cents >= 0),
    per_user_cents     INTEGER NOT NULL DEFAULT 0 CHECK (per_user_cents >= 0),
    per_endpoint_cents INTEGER NOT NULL DEFAULT 0 CHECK (per_endpoint_cents >= 0),
    standalone_cents   INTEGER NOT NULL DEFAULT 0 CHECK (standalone_cents >= 0),
    share_rule         TEXT    NOT NULL DEFAULT 'equal' CHECK (share_rule IN ('equal','population','budget','users','endpoints','blend')),
    blend              TEXT    NOT NULL DEFAULT '' CHECK (blend = '' OR (json_valid(blend) AND json_type(blend) = 'object')),
    version            INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    UNIQUE (consortium_id, key)
);

-- The level a service brings an enrolled member to on a subcategory.
CREATE TABLE service_lifts (
    service_id     INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    subcategory_id TEXT    NOT NULL CHECK (subcategory_id <> ''),
    level          INTEGER NOT NULL CHECK (level >= 0),
    PRIMARY KEY (service_id, subcategory_id)
);

-- A member's place in a service: asked for by an IT lead ('requested') or
-- granted by a coordinator ('enrolled', with decided_at). The member
-- belongs to the service's consortium (checked by the store).
CREATE TABLE enrolments (
    service_id    INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    member_id     INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    state         TEXT    NOT NULL CHECK (state IN ('requested','enrolled')),
    requested_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    note          TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    decided_at    TEXT,
    PRIMARY KEY (service_id, member_id)
);
CREATE INDEX enrolments_member ON enrolments (member_id);

-- Memoranda of understanding and service-level agreements behind a service.
CREATE TABLE agreements (
    id            INTEGER PRIMARY KEY,
    service_id    INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    title         TEXT    NOT NULL,
    parties       TEXT    NOT NULL DEFAULT '',
    starts_on     TEXT    NOT NULL CHECK (starts_on IS date(starts_on)),
    ends_on       TEXT    NOT NULL DEFAULT '' CHECK (ends_on = '' OR (ends_on IS date(ends_on) AND ends_on >= starts_on)),
    renewal       TEXT    NOT NULL DEFAULT '',
    document_url  TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL
);
CREATE INDEX agreements_service ON agreements (service_id);

-- Tabletop exercises, who took part, and what they found. A finding's
-- member_id is whose follow-up action it is (NULL: the consortium's).
CREATE TABLE exercises (
    id             INTEGER PRIMARY KEY,
    consortium_id  INTEGER NOT NULL REFERENCES consortia(id) ON DELETE CASCADE,
    held_on        TEXT    NOT NULL CHECK (held_on IS date(held_on)),
    title          TEXT    NOT NULL,
    scenario       TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL
);
CREATE INDEX exercises_consortium ON exercises (consortium_id, held_on);

CREATE TABLE exercise_members (
    exercise_id  INTEGER NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    PRIMARY KEY (exercise_id, member_id)
);
CREATE INDEX exercise_members_member ON exercise_members (member_id);

CREATE TABLE findings (
    id              INTEGER PRIMARY KEY,
    exercise_id     INTEGER NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    subcategory_id  TEXT    NOT NULL DEFAULT '',
    text            TEXT    NOT NULL CHECK (text <> ''),
    member_id       INTEGER REFERENCES members(id) ON DELETE SET NULL,
    due_on          TEXT    NOT NULL DEFAULT '' CHECK (due_on = '' OR due_on IS date(due_on)),
    status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open','done'))
);
CREATE INDEX findings_exercise ON findings (exercise_id);
CREATE INDEX findings_member ON findings (member_id);

-- The incentive (premium credit) a coordinator sets per insurance tier. No
-- rows for a consortium means the defaults apply.
CREATE TABLE insurance_tiers (
    consortium_id    INTEGER NOT NULL REFERENCES consortia(id) ON DELETE CASCADE,
    tier             INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 9),
    name             TEXT    NOT NULL DEFAULT '',
    incentive_cents  INTEGER NOT NULL DEFAULT 0 CHECK (incentive_cents >= 0),
    PRIMARY KEY (consortium_id, tier)
);

-- A member's certified answer to one insurance requirement.
CREATE TABLE certifications (
    member_id        INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    requirement_key  TEXT    NOT NULL CHECK (requirement_key <> ''),
    answer           TEXT    NOT NULL CHECK (answer IN ('yes','no','na')),
    reason           TEXT    NOT NULL DEFAULT '',
    certified_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    certified_at     TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (member_id, requirement_key)
);
