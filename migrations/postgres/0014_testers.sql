-- Testers (体验者, issue 18): the console's record of each tester it bound. WeChat lists a
-- mini program's testers by `userstr` only (memberauth never returns the WeChat ID), so the
-- console keeps the `wechatid ↔ userstr` pair bind_tester answered with, to show people by
-- name. Testers bound elsewhere (mp.weixin.qq.com) have no row and show as bare userstrs;
-- rows WeChat no longer lists are deleted whenever the list is read.
--   wechatid: what was typed at bind (NULL when the console learnt only the userstr)
--   bound_by / bound_by_name: the console user who bound the tester
CREATE TABLE testers (
    appid TEXT NOT NULL REFERENCES mini_programs (appid),
    wechatid TEXT,
    userstr TEXT NOT NULL,
    bound_by BIGINT REFERENCES users (id),
    bound_by_name TEXT NOT NULL,
    bound_at BIGINT NOT NULL,
    UNIQUE (appid, userstr)
);
