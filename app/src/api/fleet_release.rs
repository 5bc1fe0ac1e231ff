//! The fleet release view (`/releases`); the CSV export is a plain GET route in the server.

use crate::domain::fleet_release::{FleetQuery, FleetView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "releases/fleet", input = Json)]
pub async fn fleet_release(query: FleetQuery) -> Result<FleetView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::fleet_release::view(&state, &user, query).await
    }
    .await;
    ctx::respond(result)
}
