"""The Whoosh index of tracuu: record type, Vietnamese analysis, schema, storage."""
