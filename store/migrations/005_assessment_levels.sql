-- A compact copy of each assessment's current levels, kept by every answer
-- write in the same transaction, so the comparison pages read one row per
-- member instead of a hundred. Format, per answered subcategory, joined by
-- ';': id:score:target:not_applicable:risk_accepted (see store/levels.go).
ALTER TABLE assessments ADD COLUMN levels TEXT NOT NULL DEFAULT '';
UPDATE assessments SET levels = IFNULL((
    SELECT group_concat(subcategory_id || ':' || score || ':' || target || ':' || not_applicable || ':' || (choice = 'risk-accepted'), ';')
    FROM answers WHERE answers.assessment_id = assessments.id AND answers.is_current = 1), '');
