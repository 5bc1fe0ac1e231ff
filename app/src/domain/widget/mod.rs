//! Function widgets (功能直达, func-widget-submit.md): the content a mini program submits,
//! the rules it must pass (the same in the browser, on the server and in the simulator)
//! and the lifecycle (draft → under review → online / rejected → offline → …).

pub mod region;
pub mod rules;
pub mod state;
pub mod view;

use serde::{Deserialize, Serialize};

pub use rules::{check, normalized_path, CategoryNode};
pub use state::{Blocked, WidgetAction, WidgetStatus};

/// The errcodes of func-widget-submit.md.
pub mod errcode {
    pub const SYSTEM: i64 = 9009099;
    pub const PARAM: i64 = 9009098;
    pub const MAX_WIDGETS: i64 = 9009068;
    pub const MAX_SUBMITS: i64 = 9009067;
    pub const CATEGORY_FETCH: i64 = 9009065;
    pub const CATEGORY_COUNT: i64 = 9008999;
    pub const CATEGORY_ID: i64 = 9008998;
    pub const MATERIAL: i64 = 9008997;
    pub const JUMP_URL: i64 = 9008994;
    pub const UNDER_REVIEW: i64 = 9008995;
    pub const NOT_FOUND: i64 = 9008996;

    /// Every errcode of the specification, in its order.
    pub const ALL: [i64; 11] = [
        SYSTEM,
        PARAM,
        MAX_WIDGETS,
        MAX_SUBMITS,
        CATEGORY_FETCH,
        CATEGORY_COUNT,
        CATEGORY_ID,
        MATERIAL,
        JUMP_URL,
        UNDER_REVIEW,
        NOT_FOUND,
    ];
}

/// Limits the specification states, and the provisional text limits the simulator uses.
pub const MAX_KEYWORD_CHARS: usize = 20;
pub const MAX_BRANDNAME_CHARS: usize = 20;
pub const MAX_TITLE_CHARS: usize = 20;
pub const MAX_DESC_CHARS: usize = 30;
pub const MAX_URL_CHARS: usize = 1024;
pub const MIN_CATEGORIES: usize = 1;
pub const MAX_CATEGORIES: usize = 3;
/// "可设置2或4个宫格".
pub const GRID_SIZES: [usize; 2] = [2, 4];
/// A region list longer than every province and city is not a choice anybody makes.
pub const MAX_AREACODES: usize = 400;

/// One `categorylist` entry (level 1 and 2 required, level 3 is 0 when not used) and one
/// grid cell: WeChat's wire types, as the client sends them and the simulator reads them.
pub use wechat_wire::widget::{MaterialItem as WidgetItem, WidgetCategory as CategoryRef};

/// The editor's grid: a new function starts with two empty cells (the client's
/// `Material` starts with none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetMaterial {
    /// 0: no icons; 1: every cell has an icon.
    #[serde(rename = "iconType", default)]
    pub icon_type: i64,
    /// Left to right, top to bottom.
    #[serde(default)]
    pub items: Vec<WidgetItem>,
}

impl Default for WidgetMaterial {
    fn default() -> Self {
        Self {
            icon_type: 0,
            items: vec![WidgetItem::default(), WidgetItem::default()],
        }
    }
}

/// What the editor edits and WeChat receives (same JSON shape as `createfuncwidget`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetContent {
    #[serde(default)]
    pub keyword: String,
    #[serde(default)]
    pub areacode: Vec<i64>,
    #[serde(default)]
    pub brandname: String,
    #[serde(default)]
    pub categorylist: Vec<CategoryRef>,
    #[serde(default)]
    pub material: WidgetMaterial,
}

impl WidgetContent {
    /// The brand shown in search: the brand name, or the mini program's name when empty.
    pub fn shown_brand<'a>(&'a self, nick_name: &'a str) -> &'a str {
        let b = self.brandname.trim();
        if b.is_empty() {
            nick_name
        } else {
            b
        }
    }

    /// Switches the grid to `size` cells. Growing appends empty cells; shrinking keeps the
    /// cells at `keep` (in their current order), or the first ones when `keep` does not
    /// name exactly `size` distinct cells.
    pub fn resize(&mut self, size: usize, keep: &[usize]) {
        let items = &mut self.material.items;
        if items.len() < size {
            items.resize_with(size, WidgetItem::default);
        } else if items.len() > size {
            let mut picked: Vec<usize> =
                keep.iter().copied().filter(|i| *i < items.len()).collect();
            picked.sort_unstable();
            picked.dedup();
            if picked.len() == size {
                let kept: Vec<WidgetItem> = picked.iter().map(|i| items[*i].clone()).collect();
                *items = kept;
            } else {
                items.truncate(size);
            }
        }
    }

    /// Moves cell `from` to position `to` (drag and drop, or one step with the keyboard).
    pub fn move_item(&mut self, from: usize, to: usize) {
        let items = &mut self.material.items;
        if from < items.len() && to < items.len() && from != to {
            let item = items.remove(from);
            items.insert(to, item);
        }
    }
}

#[cfg(test)]
mod tests;
