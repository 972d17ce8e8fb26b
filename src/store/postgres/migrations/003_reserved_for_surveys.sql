-- Placeholder on the analytics branch only: version 3 belongs to the surveys migration, which
-- replaces this file when the branches are merged (the versions must run without gaps).
SELECT 1;
