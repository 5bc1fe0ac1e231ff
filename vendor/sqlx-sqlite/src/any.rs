use std::borrow::Cow;

use crate::{
    Either, Sqlite, SqliteArgumentValue, SqliteArguments, SqliteColumn, SqliteConnectOptions,
    SqliteConnection, SqliteQueryResult, SqliteRow, SqliteTransactionManager, SqliteTypeInfo,
};
use futures_core::future::BoxFuture;
use futures_core::stream::BoxStream;
use futures_util::{StreamExt, TryFutureExt}; // Patched in wxa-console (no TryStreamExt)

use sqlx_core::any::{
    Any, AnyArguments, AnyColumn, AnyConnectOptions, AnyConnectionBackend, AnyQueryResult, AnyRow,
    AnyStatement, AnyTypeInfo, AnyTypeInfoKind, AnyValueKind,
};

use crate::type_info::DataType;
use sqlx_core::connection::{ConnectOptions, Connection};
use sqlx_core::database::Database;
use sqlx_core::describe::Describe;
use sqlx_core::executor::Executor;
use sqlx_core::transaction::TransactionManager;
use std::pin::pin;
// Patched in wxa-console (ResultColumns, direct rows)
use crate::connection::worker::Results;
use crate::statement::StatementHandle;
use libsqlite3_sys::{SQLITE_BLOB, SQLITE_FLOAT, SQLITE_INTEGER, SQLITE_TEXT};
use sqlx_core::any::AnyValue;
use sqlx_core::ext::ustr::UStr;
use sqlx_core::HashMap;
use std::sync::Arc;

sqlx_core::declare_driver_with_optional_migrate!(DRIVER = Sqlite);

impl AnyConnectionBackend for SqliteConnection {
    fn name(&self) -> &str {
        <Sqlite as Database>::NAME
    }

    fn close(self: Box<Self>) -> BoxFuture<'static, sqlx_core::Result<()>> {
        Connection::close(*self)
    }

    fn close_hard(self: Box<Self>) -> BoxFuture<'static, sqlx_core::Result<()>> {
        Connection::close_hard(*self)
    }

    fn ping(&mut self) -> BoxFuture<'_, sqlx_core::Result<()>> {
        Connection::ping(self)
    }

    fn begin(
        &mut self,
        statement: Option<Cow<'static, str>>,
    ) -> BoxFuture<'_, sqlx_core::Result<()>> {
        SqliteTransactionManager::begin(self, statement)
    }

    fn commit(&mut self) -> BoxFuture<'_, sqlx_core::Result<()>> {
        SqliteTransactionManager::commit(self)
    }

    fn rollback(&mut self) -> BoxFuture<'_, sqlx_core::Result<()>> {
        SqliteTransactionManager::rollback(self)
    }

    fn start_rollback(&mut self) {
        SqliteTransactionManager::start_rollback(self)
    }

    fn get_transaction_depth(&self) -> usize {
        SqliteTransactionManager::get_transaction_depth(self)
    }

    fn shrink_buffers(&mut self) {
        // NO-OP.
    }

    fn flush(&mut self) -> BoxFuture<'_, sqlx_core::Result<()>> {
        Connection::flush(self)
    }

    fn should_flush(&self) -> bool {
        Connection::should_flush(self)
    }

    #[cfg(feature = "migrate")]
    fn as_migrate(
        &mut self,
    ) -> sqlx_core::Result<&mut (dyn sqlx_core::migrate::Migrate + Send + 'static)> {
        Ok(self)
    }

    fn fetch_many<'q>(
        &'q mut self,
        query: &'q str,
        persistent: bool,
        arguments: Option<AnyArguments<'q>>,
    ) -> BoxStream<'q, sqlx_core::Result<Either<AnyQueryResult, AnyRow>>> {
        let persistent = persistent && arguments.is_some();
        let args = arguments.map(map_arguments);

        // Patched in wxa-console: a read on the caller's thread builds `AnyRow`s straight from
        // the statement; the rows a connection's thread sends are converted, sharing their
        // result's `Any` columns.
        Box::pin(
            async move {
                let results = read_any(self, query, args, persistent, None).await?;
                Ok(match results {
                    Results::Here(results) => futures_util::stream::iter(results)
                        .map(|res| Ok(res?.map_left(map_result)))
                        .left_stream(),
                    Results::Sent(rx) => rx
                        .into_stream()
                        .map({
                            let mut columns = ResultColumns::default();
                            move |res| match res? {
                                Either::Left(result) => Ok(Either::Left(map_result(result))),
                                Either::Right(row) => Ok(Either::Right(columns.any_row(&row)?)),
                            }
                        })
                        .right_stream(),
                })
            }
            .try_flatten_stream(),
        )
    }

    fn fetch_optional<'q>(
        &'q mut self,
        query: &'q str,
        persistent: bool,
        arguments: Option<AnyArguments<'q>>,
    ) -> BoxFuture<'q, sqlx_core::Result<Option<AnyRow>>> {
        let persistent = persistent && arguments.is_some();
        let args = arguments.map(map_arguments);

        Box::pin(async move {
            // Patched in wxa-console: as `fetch_many`.
            let results = read_any(self, query, args, persistent, Some(1)).await?;
            match results {
                Results::Here(results) => {
                    for res in results {
                        if let Either::Right(row) = res? {
                            return Ok(Some(row));
                        }
                    }
                }
                Results::Sent(rx) => {
                    let mut stream = pin!(rx.into_stream());
                    while let Some(res) = stream.next().await {
                        if let Either::Right(row) = res? {
                            return Ok(Some(AnyRow::try_from(&row)?));
                        }
                    }
                }
            }

            Ok(None)
        })
    }

    fn prepare_with<'c, 'q: 'c>(
        &'c mut self,
        sql: &'q str,
        _parameters: &[AnyTypeInfo],
    ) -> BoxFuture<'c, sqlx_core::Result<AnyStatement<'q>>> {
        Box::pin(async move {
            let statement = Executor::prepare_with(self, sql, &[]).await?;
            AnyStatement::try_from_statement(sql, &statement, statement.column_names.clone())
        })
    }

    fn describe<'q>(&'q mut self, sql: &'q str) -> BoxFuture<'q, sqlx_core::Result<Describe<Any>>> {
        Box::pin(async move { Executor::describe(self, sql).await?.try_into_any() })
    }
}

impl<'a> TryFrom<&'a SqliteTypeInfo> for AnyTypeInfo {
    type Error = sqlx_core::Error;

    fn try_from(sqlite_type: &'a SqliteTypeInfo) -> Result<Self, Self::Error> {
        Ok(AnyTypeInfo {
            kind: match &sqlite_type.0 {
                DataType::Null => AnyTypeInfoKind::Null,
                DataType::Int4 => AnyTypeInfoKind::Integer,
                DataType::Integer => AnyTypeInfoKind::BigInt,
                DataType::Float => AnyTypeInfoKind::Double,
                DataType::Blob => AnyTypeInfoKind::Blob,
                DataType::Text => AnyTypeInfoKind::Text,
                _ => {
                    return Err(sqlx_core::Error::AnyDriverError(
                        format!("Any driver does not support the SQLite type {sqlite_type:?}")
                            .into(),
                    ))
                }
            },
        })
    }
}

impl<'a> TryFrom<&'a SqliteColumn> for AnyColumn {
    type Error = sqlx_core::Error;

    fn try_from(col: &'a SqliteColumn) -> Result<Self, Self::Error> {
        let type_info =
            AnyTypeInfo::try_from(&col.type_info).map_err(|e| sqlx_core::Error::ColumnDecode {
                index: col.name.to_string(),
                source: e.into(),
            })?;

        Ok(AnyColumn {
            ordinal: col.ordinal,
            name: col.name.clone(),
            type_info,
        })
    }
}

// Patched in wxa-console: runs a query for the `Any` driver, up to `limit` rows. A read on the
// caller's thread comes back as `AnyRow`s built straight from the statement (sharing their
// result's `Any` columns); whatever ran on the connection's thread comes back as its channel of
// `SqliteRow`s.
async fn read_any(
    conn: &mut SqliteConnection,
    query: &str,
    args: Option<SqliteArguments<'_>>,
    persistent: bool,
    limit: Option<usize>,
) -> sqlx_core::Result<Results<AnyRow>> {
    let mut direct = ResultColumns::default();
    conn.worker
        .execute_with(
            query,
            args,
            conn.row_channel_size,
            persistent,
            limit,
            &mut |handle, columns, column_names| {
                direct.any_row_current(handle, columns, column_names)
            },
        )
        .await
}

// Patched in wxa-console: the Any columns of the rows of one result, converted from the first
// row's and shared by the next rows as long as they carry the same column list (one
// `AnyColumn` conversion and allocation per result instead of per row).
#[derive(Default)]
struct ResultColumns {
    of: Option<(Arc<Vec<SqliteColumn>>, Arc<[AnyColumn]>)>,
}

impl ResultColumns {
    fn any_row(&mut self, row: &SqliteRow) -> sqlx_core::Result<AnyRow> {
        let columns = self.of(&row.columns)?;
        AnyRow::map_with_columns(row, row.column_names.clone(), columns)
    }

    /// The statement's current row as an `AnyRow`, each value read from the statement once:
    /// what `any_row` gives for the `SqliteRow` of the same row (values mapped by their own
    /// storage class, a NULL by its column's type), without copying the values into
    /// `sqlite3_value`s first.
    fn any_row_current(
        &mut self,
        handle: &StatementHandle,
        columns: &Arc<Vec<SqliteColumn>>,
        column_names: &Arc<HashMap<UStr, usize>>,
    ) -> sqlx_core::Result<AnyRow> {
        let any_columns = self.of(columns)?;
        let values = any_columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                let kind = match handle.column_type(i) {
                    SQLITE_INTEGER => AnyValueKind::BigInt(handle.column_int64(i)),
                    SQLITE_FLOAT => AnyValueKind::Double(handle.column_double(i)),
                    SQLITE_TEXT => AnyValueKind::Text(Cow::Owned(
                        handle
                            .column_text(i)
                            .map_err(sqlx_core::Error::Decode)?
                            .to_owned(),
                    )),
                    SQLITE_BLOB => AnyValueKind::Blob(Cow::Owned(handle.column_blob(i).to_vec())),
                    _ => AnyValueKind::Null(column.type_info.kind),
                };
                Ok(AnyValue { kind })
            })
            .collect::<sqlx_core::Result<Vec<_>>>()?;
        Ok(AnyRow {
            column_names: column_names.clone(),
            columns: any_columns,
            values,
        })
    }

    /// The `Any` columns of `columns`, converted once per result.
    fn of(&mut self, columns: &Arc<Vec<SqliteColumn>>) -> sqlx_core::Result<Arc<[AnyColumn]>> {
        if let Some((of, any_columns)) = &self.of {
            if Arc::ptr_eq(of, columns) {
                return Ok(any_columns.clone());
            }
        }
        let any_columns = columns
            .iter()
            .map(AnyColumn::try_from)
            .collect::<sqlx_core::Result<Arc<[AnyColumn]>>>()?;
        self.of = Some((columns.clone(), any_columns.clone()));
        Ok(any_columns)
    }
}

impl<'a> TryFrom<&'a SqliteRow> for AnyRow {
    type Error = sqlx_core::Error;

    fn try_from(row: &'a SqliteRow) -> Result<Self, Self::Error> {
        AnyRow::map_from(row, row.column_names.clone())
    }
}

impl<'a> TryFrom<&'a AnyConnectOptions> for SqliteConnectOptions {
    type Error = sqlx_core::Error;

    fn try_from(opts: &'a AnyConnectOptions) -> Result<Self, Self::Error> {
        let mut opts_out = SqliteConnectOptions::from_url(&opts.database_url)?;
        opts_out.log_settings = opts.log_settings.clone();
        Ok(opts_out)
    }
}

/// Instead of `AnyArguments::convert_into()`, we can do a direct mapping and preserve the lifetime.
fn map_arguments(args: AnyArguments<'_>) -> SqliteArguments<'_> {
    SqliteArguments {
        values: args
            .values
            .0
            .into_iter()
            .map(|val| match val {
                AnyValueKind::Null(_) => SqliteArgumentValue::Null,
                AnyValueKind::Bool(b) => SqliteArgumentValue::Int(b as i32),
                AnyValueKind::SmallInt(i) => SqliteArgumentValue::Int(i as i32),
                AnyValueKind::Integer(i) => SqliteArgumentValue::Int(i),
                AnyValueKind::BigInt(i) => SqliteArgumentValue::Int64(i),
                AnyValueKind::Real(r) => SqliteArgumentValue::Double(r as f64),
                AnyValueKind::Double(d) => SqliteArgumentValue::Double(d),
                AnyValueKind::Text(t) => SqliteArgumentValue::Text(t),
                AnyValueKind::Blob(b) => SqliteArgumentValue::Blob(b),
                // AnyValueKind is `#[non_exhaustive]` but we should have covered everything
                _ => unreachable!("BUG: missing mapping for {val:?}"),
            })
            .collect(),
    }
}

fn map_result(res: SqliteQueryResult) -> AnyQueryResult {
    AnyQueryResult {
        rows_affected: res.rows_affected(),
        last_insert_id: None,
    }
}
