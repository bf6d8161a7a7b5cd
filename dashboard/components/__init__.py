"""Layout builders shared by the pages. Ids are prefixed by page (``live-…``, ``review-…``) and repeated
widgets use pattern-matching dict ids, so a builder can appear several times on one page."""
