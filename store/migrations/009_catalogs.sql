-- Catalogs of other frameworks (NIST CSF 1.1, CISA's performance goals, ...)
-- imported with `palisade frameworks import`. Members keep answering CSF 2.0;
-- an imported catalog maps its items to CSF 2.0 subcategories, so results
-- can also be read by that framework. Catalogs belong to the installation,
-- not to one consortium: they are published reference data, like the
-- built-in CSF 2.0.
--
-- The JSON is kept exactly as imported, after it passed every check
-- (frameworks.ParseImport); it is parsed again when used. One row per
-- catalog id: importing an id that is already here needs --replace.
CREATE TABLE catalogs (
    id           INTEGER PRIMARY KEY,
    catalog_id   TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(catalog_id) BETWEEN 1 AND 32), -- "CISA-CPG" is "cisa-cpg"
    version      TEXT    NOT NULL CHECK (length(version) BETWEEN 1 AND 160),
    name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 800),
    raw          TEXT    NOT NULL,
    sha256       TEXT    NOT NULL CHECK (length(sha256) = 64),
    imported_at  TEXT    NOT NULL,
    imported_by  TEXT    NOT NULL
);
