-- Teams channels are named in replies by their name, kept from the activities that come from them.
ALTER TABLE conversation_refs ADD COLUMN name TEXT;
