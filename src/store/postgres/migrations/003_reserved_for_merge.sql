-- Placeholder on the privacy branch only: versions 3 to 6 belong to other branches (surveys,
-- analytics, ...). DELETE THIS FILE when merging; the real 003_*.sql takes its place.
SELECT 1;
