//! Demo data for the embedded default: three merchants, one login per role, ~60 mini programs.
//! Seeded once (a marker in app_meta), so a restart keeps whatever was changed since.

use super::password;
use crate::db::{self, meta, mini_programs::NewMiniProgram, users::NewUserRecord, Db};
use crate::domain::auth::Role;
use crate::domain::mini_program::{AppStatus, SubjectType};
use crate::error::AppError;

const SEEDED_KEY: &str = "demo_seeded";

pub struct DemoLogin {
    pub username: &'static str,
    pub password: &'static str,
    pub role: Role,
    /// Index into MERCHANTS for merchant users.
    pub merchant: Option<usize>,
    pub display_name: &'static str,
}

pub const MERCHANTS: [&str; 3] = ["星辰咖啡", "青禾生鲜", "云途出行"];

/// Well-known passwords: the demo runs on loopback only and prints them at start.
pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin {
        username: "admin",
        password: "admin-demo-2026",
        role: Role::Admin,
        merchant: None,
        display_name: "平台管理员",
    },
    DemoLogin {
        username: "operator",
        password: "operator-demo-2026",
        role: Role::Operator,
        merchant: None,
        display_name: "运营小李",
    },
    DemoLogin {
        username: "merchant",
        password: "merchant-demo-2026",
        role: Role::Merchant,
        merchant: Some(0),
        display_name: "星辰咖啡店长",
    },
    DemoLogin {
        username: "merchant2",
        password: "merchant2-demo-2026",
        role: Role::Merchant,
        merchant: Some(1),
        display_name: "青禾生鲜店长",
    },
];

const PRODUCTS: [&str; 10] = [
    "点单",
    "会员",
    "商城",
    "外卖",
    "预约",
    "积分",
    "门店",
    "优惠券",
    "礼品卡",
    "活动",
];
const SUBJECTS: [SubjectType; 10] = [
    SubjectType::Enterprise,
    SubjectType::Enterprise,
    SubjectType::Enterprise,
    SubjectType::Enterprise,
    SubjectType::IndividualBusiness,
    SubjectType::IndividualBusiness,
    SubjectType::Individual,
    SubjectType::Government,
    SubjectType::Media,
    SubjectType::OtherOrganization,
];

/// A stable, valid-looking AppID for demo row `i` (wx + 16 hex digits).
pub fn demo_appid(i: u64) -> String {
    let mixed = i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5bd1_e995_0d5c_a4f3;
    format!("wx{mixed:016x}")
}

pub const DEMO_MINI_PROGRAMS: u64 = 60;

pub async fn seed_if_empty(db: &Db) -> Result<bool, AppError> {
    if meta::get(db, SEEDED_KEY).await?.is_some() {
        return Ok(false);
    }
    let now = db::now();
    let mut merchant_ids = Vec::new();
    for name in MERCHANTS {
        let id = match db::merchants::find_by_name(db, name).await? {
            Some(id) => id,
            None => db::merchants::insert(db, name, now).await?,
        };
        merchant_ids.push(id);
    }
    for login in &DEMO_LOGINS {
        if db::users::find_by_username(db, login.username)
            .await?
            .is_some()
        {
            continue;
        }
        let hash = password::hash(login.password.to_string()).await?;
        let record = NewUserRecord {
            username: login.username,
            display_name: login.display_name,
            password_hash: &hash,
            role: login.role,
            merchant_id: login.merchant.map(|m| merchant_ids[m]),
        };
        db::users::insert(db, &record, now).await?;
    }
    for i in 0..DEMO_MINI_PROGRAMS {
        let appid = demo_appid(i);
        if db::mini_programs::find(db, &appid).await?.is_some() {
            continue;
        }
        let m = (i % 4) as usize; // every fourth mini program is not yet assigned to a merchant
        let merchant_id = merchant_ids.get(m).copied();
        let brand = MERCHANTS.get(m).copied().unwrap_or("独立开发者");
        let product = PRODUCTS[(i / 4 % 10) as usize];
        let subject = SUBJECTS[(i * 7 % 10) as usize];
        let status = match i % 13 {
            5 => AppStatus::NeedsReauthorization,
            11 => AppStatus::Unauthorized,
            _ => AppStatus::Authorized,
        };
        let nick_name = format!("{brand}{product}{}", i / 40 + 1);
        let principal_name = match subject {
            SubjectType::Individual => format!("个人开发者{}", i + 1),
            SubjectType::Government => format!("{brand}所在区政务服务中心"),
            _ => format!("{brand}（上海）有限公司"),
        };
        db::mini_programs::insert(
            &db.pool,
            &NewMiniProgram {
                appid: &appid,
                nick_name: &nick_name,
                principal_name: &principal_name,
                subject,
                merchant_id,
                status,
                // Spread over the last 60 days so sorting by time means something.
                created_at: now - (DEMO_MINI_PROGRAMS as i64 - i as i64) * 86_400
                    + (i as i64 * 37 % 3600),
            },
        )
        .await?;
    }
    meta::set(db, SEEDED_KEY, &now.to_string()).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_appids_are_valid_and_distinct() {
        let ids: Vec<String> = (0..DEMO_MINI_PROGRAMS).map(demo_appid).collect();
        assert!(ids.iter().all(|a| wechat::is_valid_appid(a)));
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
    }
}
