-- The pseudonym key lives outside the database (PSEUDONYM_SECRET): a key kept beside the audit let
-- anyone who can read the audit reverse the pseudonyms. The one earlier versions generated goes.
delete from settings where name = 'patient-pseudonym';
