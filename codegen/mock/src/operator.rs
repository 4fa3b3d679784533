//! The mock operator platform: answers the city's queries from a seeded data set (the spec's
//! samples, with `stations` distinct stations for the paged station query). Written once for
//! every edition: the edition's adapter implements its role trait with
//! [`queries!`](crate::queries).

use chargespec_runtime::client::Client;
use chargespec_runtime::endpoint::{HandlerError, RequestContext};
use chargespec_runtime::serde_json::{self, Value, json};
use chargespec_runtime::{Validate, tracing};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::edition::{Adapter, Edition, sample_answer, sample_response, to_json};

/// The operator's data: its stations, made from one edition's samples.
#[derive(Debug, Clone)]
pub struct DataSet {
    /// The edition whose samples the data set was made from (the only one it can answer in).
    pub edition: Edition,
    pub stations: Vec<Value>,
}

impl DataSet {
    /// `stations` stations of the default edition (see [`DataSet::seeded_for`]).
    pub fn seeded(stations: usize) -> Result<DataSet, String> {
        DataSet::seeded_for(Edition::default(), stations)
    }

    /// `stations` stations (`ST0001`, `ST0002`…) made from the edition's sample station; every
    /// other query is answered with the edition's sample answer.
    pub fn seeded_for(edition: Edition, stations: usize) -> Result<DataSet, String> {
        crate::with_adapter!(edition, A => DataSet::seeded_from::<A>(stations))
    }

    fn seeded_from<A: Adapter>(stations: usize) -> Result<DataSet, String> {
        let page = sample_response::<A>(STATIONS_QUERY)?;
        let station = page
            .get(STATIONS_FIELD)
            .and_then(|s| s.get(0))
            .cloned()
            .ok_or("the sample station list is empty")?;
        let stations = (1..=stations)
            .map(|i| {
                let mut s = station.clone();
                s["StationID"] = json!(format!("ST{i:04}"));
                s
            })
            .collect();
        Ok(DataSet {
            edition: A::EDITION,
            stations,
        })
    }
}

/// The paged station query every edition has (T/CEC 102.4, DB4403/T 77 §9), and the list field of
/// its answer.
pub const STATIONS_QUERY: &str = "query_stations_info";
const STATIONS_FIELD: &str = "StationInfos";

/// The operator platform's handlers.
#[derive(Debug, Clone)]
pub struct OperatorMock {
    pub data: DataSet,
}

impl OperatorMock {
    pub fn new(data: DataSet) -> Self {
        OperatorMock { data }
    }

    /// A data set made for another edition cannot answer this one's queries.
    fn check_edition<A: Adapter>(&self) -> Result<(), HandlerError> {
        if self.data.edition == A::EDITION {
            Ok(())
        } else {
            Err(HandlerError::system(format!(
                "the data set was made for {}, not {}",
                self.data.edition.number(),
                A::NUMBER
            )))
        }
    }

    /// Answers a query of edition `A` with the edition's sample answer about it.
    pub fn canned<A, Req, Resp>(
        &self,
        ctx: &RequestContext,
        request: Req,
    ) -> Result<Resp, HandlerError>
    where
        A: Adapter,
        Req: Serialize,
        Resp: DeserializeOwned + Validate,
    {
        self.check_edition::<A>()?;
        let answer = sample_answer::<A, Resp>(ctx.interface, &request)?;
        tracing::info!(edition = A::NAME, interface = ctx.interface, peer = %ctx.operator_id, "query answered");
        Ok(answer)
    }

    /// One page of the stations (`PageNo` from 1, `PageSize` stations per page).
    pub fn stations_page<A, Req, Resp>(
        &self,
        ctx: &RequestContext,
        request: Req,
    ) -> Result<Resp, HandlerError>
    where
        A: Adapter,
        Req: Serialize,
        Resp: DeserializeOwned,
    {
        self.check_edition::<A>()?;
        let asked = to_json(&request)?;
        let number =
            |key: &str, default: i64| asked.get(key).and_then(Value::as_i64).unwrap_or(default);
        let (page_no, page_size) = (number("PageNo", 1), number("PageSize", 10));
        let total = self.data.stations.len();
        let (start, page_count) =
            page_window(page_no, page_size, total).map_err(HandlerError::invalid)?;
        let size = usize::try_from(page_size).unwrap_or(usize::MAX);
        let items: Vec<Value> = self
            .data
            .stations
            .iter()
            .skip(start)
            .take(size)
            .cloned()
            .collect();
        tracing::info!(edition = A::NAME, interface = ctx.interface, peer = %ctx.operator_id, page_no, page_size, items = items.len(), "stations page answered");
        serde_json::from_value(json!({
            "PageNo": page_no,
            "PageCount": page_count,
            "ItemSize": total,
            (STATIONS_FIELD): items,
        }))
        .map_err(|e| HandlerError::system(e.to_string()))
    }
}

/// Where page `page_no` of `page_size` items starts among `total` items, and the number of
/// pages; a page after the last one starts at `total` (an empty page). Refuses numbers below 1
/// and a page whose first item cannot even be counted (`(PageNo − 1) × PageSize` overflows):
/// checked arithmetic, so no request can wrap round to the first page.
pub fn page_window(page_no: i64, page_size: i64, total: usize) -> Result<(usize, u64), String> {
    if page_no < 1 || page_size < 1 {
        return Err(format!(
            "PageNo and PageSize start at 1 (got PageNo {page_no}, PageSize {page_size})"
        ));
    }
    let start = (page_no - 1)
        .checked_mul(page_size)
        .and_then(|s| u64::try_from(s).ok())
        .ok_or_else(|| {
            format!(
                "PageNo {page_no} with PageSize {page_size} is past any page that can be counted"
            )
        })?;
    let total_u64 = total as u64;
    let page_count = total_u64.div_ceil(page_size.unsigned_abs()).max(1);
    let start = usize::try_from(start.min(total_u64)).unwrap_or(total);
    Ok((start, page_count))
}

/// Implements an operator role trait of a generated crate for [`OperatorMock`]: the paged
/// station query (`paged method: Request => Answer`) by [`OperatorMock::stations_page`], every
/// other listed interface by [`OperatorMock::canned`].
#[macro_export]
macro_rules! queries {
    ($adapter:ty, $role:path {
        paged $paged:ident: $preq:ty => $presp:ty,
        $($method:ident: $req:ty => $resp:ty,)*
    }) => {
        impl $role for $crate::operator::OperatorMock {
            async fn $paged(
                &self,
                ctx: ::chargespec_runtime::endpoint::RequestContext,
                request: $preq,
            ) -> Result<$presp, ::chargespec_runtime::endpoint::HandlerError> {
                self.stations_page::<$adapter, _, _>(&ctx, request)
            }
            $(
                async fn $method(
                    &self,
                    ctx: ::chargespec_runtime::endpoint::RequestContext,
                    request: $req,
                ) -> Result<$resp, ::chargespec_runtime::endpoint::HandlerError> {
                    self.canned::<$adapter, _, _>(&ctx, request)
                }
            )*
        }
    };
}

/// The most pages the paging demo asks for, whatever the operator announces.
pub const MAX_PAGES: u64 = 10_000;

/// The city side of paging: every station of an operator, page by page (see [`page_through`]).
pub async fn query_all_stations<A: Adapter>(
    client: &Client<A::Profile>,
    page_size: u64,
) -> Result<Vec<Value>, String> {
    page_through(page_size, |page_no| {
        A::stations_page(client, page_no, page_size)
    })
    .await
}

/// Pages through `StationInfos` with `fetch(page_no)`, which answers one page as JSON.
///
/// The answer is not trusted: a page whose `PageNo` is not the one asked for stops the walk
/// with an error naming both (a server that ignores `PageNo` would otherwise hand out its
/// first page again and again); a station seen before (same `StationID`) is dropped with a
/// warning; the walk ends after the `PageCount` of the first answer, at an empty page, and
/// never after more than [`MAX_PAGES`] pages.
pub async fn page_through<F, Fut>(page_size: u64, mut fetch: F) -> Result<Vec<Value>, String>
where
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<Output = Result<Value, String>>,
{
    let mut stations = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut last_page = None;
    let mut page_no = 1;
    loop {
        let page = fetch(page_no).await?;
        let answered = page.get("PageNo").and_then(Value::as_u64);
        if answered != Some(page_no) {
            let got = page
                .get("PageNo")
                .map_or_else(|| "none".to_owned(), Value::to_string);
            return Err(format!(
                "page {page_no}: the operator answered PageNo {got} (asked for PageNo {page_no}, \
                 PageSize {page_size}); it does not page as asked, stopping with {} station(s)",
                stations.len()
            ));
        }
        let items = page
            .get("StationInfos")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let page_count = page.get("PageCount").and_then(Value::as_u64).unwrap_or(1);
        let last = *last_page.get_or_insert(page_count.min(MAX_PAGES));
        let received = items.len();
        let mut duplicates = 0;
        for item in items {
            let id = item.get("StationID").map(Value::to_string);
            if id.is_some_and(|id| !seen.insert(id)) {
                duplicates += 1;
            } else {
                stations.push(item);
            }
        }
        tracing::info!(
            page_no,
            page_count,
            items = received,
            "stations page received"
        );
        if duplicates > 0 {
            tracing::warn!(page_no, duplicates, "stations received twice, kept once");
        }
        if page_no >= last || received == 0 {
            return Ok(stations);
        }
        page_no += 1;
    }
}

/// The operator's demonstration pushes to a city: the edition's [`Adapter::push_demo`].
pub async fn push_demo<A: Adapter>(
    client: &Client<A::Profile>,
) -> Result<Vec<(&'static str, Value)>, String> {
    A::push_demo(client).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_arithmetic_is_checked() {
        assert_eq!(page_window(1, 10, 25), Ok((0, 3)));
        assert_eq!(page_window(3, 10, 25), Ok((20, 3)));
        assert_eq!(
            page_window(4, 10, 25),
            Ok((25, 3)),
            "past the last page: empty"
        );
        assert_eq!(page_window(1, 10, 0), Ok((0, 1)));
        // (PageNo − 1) × PageSize = 2^32 × 2^32 wraps to 0 in u64: refused, not page 1.
        let e = page_window(4_294_967_297, 4_294_967_296, 25)
            .err()
            .unwrap_or_default();
        assert!(e.contains("past any page"), "{e}");
        assert!(page_window(i64::MAX, i64::MAX, 25).is_err());
        // Below 1 is refused, not read as page 1.
        for (no, size) in [(-1, 10), (0, 10), (1, 0), (1, -5), (i64::MIN, 10)] {
            let e = page_window(no, size, 25).err().unwrap_or_default();
            assert!(e.contains("start at 1"), "{no} {size}: {e}");
        }
        // Large but countable: an empty page.
        assert_eq!(page_window(4_294_967_297, 10, 25), Ok((25, 3)));
    }

    fn station(i: u64) -> Value {
        json!({ "StationID": format!("S{i}") })
    }

    /// A fake operator with `total` stations, pages of `size`; `ignore_page_no` answers the
    /// first page to every request.
    fn operator(
        total: u64,
        size: u64,
        ignore_page_no: bool,
    ) -> impl FnMut(u64) -> std::future::Ready<Result<Value, String>> {
        move |asked: u64| {
            let page = if ignore_page_no { 1 } else { asked };
            let items: Vec<Value> = ((page - 1) * size + 1..=(page * size).min(total))
                .map(station)
                .collect();
            std::future::ready(Ok(json!({
                "PageNo": page, "PageCount": total.div_ceil(size), "ItemSize": total, "StationInfos": items
            })))
        }
    }

    fn run<F, Fut>(fetch: F) -> Result<Vec<Value>, String>
    where
        F: FnMut(u64) -> Fut,
        Fut: std::future::Future<Output = Result<Value, String>>,
    {
        chargespec_runtime::tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| e.to_string())?
            .block_on(page_through(10, fetch))
    }

    #[test]
    fn every_station_once_from_an_operator_that_pages() {
        let all = run(operator(25, 10, false)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), 25);
        assert_eq!(all[24], station(25));
    }

    #[test]
    fn an_operator_ignoring_page_no_is_detected() {
        let e = run(operator(12, 10, true)).err().unwrap_or_default();
        assert!(e.contains("answered PageNo 1 (asked for PageNo 2"), "{e}");
    }

    #[test]
    fn duplicates_are_dropped_and_the_walk_is_bounded() {
        // Every page repeats S1 and announces an absurd page count; it stops at an empty page.
        let fetch = |asked: u64| {
            let items = if asked <= 3 {
                vec![station(1), station(asked + 1)]
            } else {
                vec![]
            };
            std::future::ready(Ok(
                json!({ "PageNo": asked, "PageCount": u64::MAX, "StationInfos": items }),
            ))
        };
        let all = run(fetch).unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<_> = all.iter().map(|s| s["StationID"].clone()).collect();
        assert_eq!(
            ids,
            vec![json!("S1"), json!("S2"), json!("S3"), json!("S4")]
        );
        // An operator that never sends an empty page stops at MAX_PAGES.
        let mut calls = 0;
        let endless = |asked: u64| {
            calls += 1;
            std::future::ready(Ok(
                json!({ "PageNo": asked, "PageCount": u64::MAX, "StationInfos": [station(asked)] }),
            ))
        };
        assert_eq!(run(endless).map(|v| v.len() as u64), Ok(MAX_PAGES));
        assert_eq!(calls, MAX_PAGES);
    }
}
