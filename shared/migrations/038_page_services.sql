-- Pages and site sections carry the administrative service they belong to (issue 19): a LeiKa service key (14
-- digits) or the city's own id ('stadt:<slug>'), and their role for the EU Single Digital Gateway (kind, and the
-- Annex II procedure, named for procedure pages). From de.stadtstimme.org.page-saved / site-saved v2 (their
-- contracts check the values); NULL: none (v1 events and everything stored before). A page's own values win over
-- its section's (shared.orgmodel.OrgModel.attributes).
ALTER TABLE page
    ADD COLUMN service_key   text,
    ADD COLUMN sdg_kind      text CHECK (sdg_kind IN ('information', 'procedure', 'assistance')),
    ADD COLUMN sdg_procedure text CHECK (sdg_procedure IS NULL OR sdg_kind IS NOT NULL),
    ADD CONSTRAINT page_procedure_named CHECK (sdg_kind IS DISTINCT FROM 'procedure' OR sdg_procedure IS NOT NULL);
ALTER TABLE site_section
    ADD COLUMN service_key   text,
    ADD COLUMN sdg_kind      text CHECK (sdg_kind IN ('information', 'procedure', 'assistance')),
    ADD COLUMN sdg_procedure text CHECK (sdg_procedure IS NULL OR sdg_kind IS NOT NULL),
    ADD CONSTRAINT site_section_procedure_named
        CHECK (sdg_kind IS DISTINCT FROM 'procedure' OR sdg_procedure IS NOT NULL);
