-- Plugins (插件, issue 18): the console's record of each plugin application it made. WeChat's
-- list of a mini program's plugins (`/wxa/plugin` action `list`) gives the plugin's AppID,
-- name and status only: no time, no reason, no version. The console keeps when and why it
-- applied and who did (to show how long a pending application has waited and the time left
-- before WeChat's 24-hour deadline), and the version it last quick-updated to. Plugins
-- applied for elsewhere have no row; rows WeChat no longer lists are deleted whenever the
-- list is read.
--   reason: the application's reason as sent
--   applied_by / applied_by_name: the console user who applied
--   user_version: the version of the last quick update through the console (NULL: none)
CREATE TABLE plugin_uses (
    appid TEXT NOT NULL REFERENCES mini_programs (appid),
    plugin_appid TEXT NOT NULL,
    reason TEXT NOT NULL,
    applied_by BIGINT REFERENCES users (id),
    applied_by_name TEXT NOT NULL,
    applied_at BIGINT NOT NULL,
    user_version TEXT,
    UNIQUE (appid, plugin_appid)
);
