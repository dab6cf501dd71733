-- Answers copied into a new cycle from the member's last submitted
-- assessment are marked, so the IT lead confirms each one (saving it again
-- clears the mark) before submitting.
ALTER TABLE answers ADD COLUMN carried_over INTEGER NOT NULL DEFAULT 0 CHECK (carried_over IN (0,1));
