"""Web surfaces, one blueprint per audience: public documents and pages, JSON API, staff."""
