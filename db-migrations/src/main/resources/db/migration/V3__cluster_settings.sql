-- Settings of the cluster itself that operators do not edit as properties, such as the secret
-- controller and satellites prove to each other on the satellite link. Not exposed by the REST API.
CREATE TABLE cluster_settings (
    setting_key   VARCHAR(128)  NOT NULL PRIMARY KEY,
    setting_value VARCHAR(4096) NOT NULL
);
