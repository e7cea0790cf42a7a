//! Offset/limit paging as a lazy stream of items.

use super::error::Error;

/// Pages through an offset/limit listing: fetches a page only when the
/// previous one is used up, and stops after a page shorter than the limit.
pub(crate) fn paginate<T, E, F, Fut>(
    start: i64,
    limit: i64,
    mut fetch: F,
) -> impl futures_util::Stream<Item = Result<T, Error<E>>>
where
    F: FnMut(i64, i64) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>, Error<E>>>,
{
    let limit = limit.max(1);
    let pages = futures_util::stream::unfold(Some(start), move |offset| {
        let page = offset.map(|offset| (offset, fetch(offset, limit)));
        async move {
            let (offset, page) = page?;
            match page.await {
                Ok(items) => {
                    let count = items.len() as i64;
                    let next = (count >= limit).then_some(offset + count);
                    Some((Ok(items), next))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    });
    futures_util::StreamExt::flat_map(pages, |page| {
        futures_util::stream::iter(match page {
            Ok(items) => items.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[test]
    fn pages_are_fetched_until_a_short_one() {
        let calls = std::cell::Cell::new(0);
        let stream = paginate::<i64, (), _, _>(0, 2, |offset, limit| {
            calls.set(calls.get() + 1);
            let items: Vec<i64> = (offset..(offset + limit).min(5)).collect();
            async move { Ok(items) }
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let items: Vec<i64> = runtime.block_on(stream.map(|r| r.unwrap()).collect());
        assert_eq!(items, vec![0, 1, 2, 3, 4]);
        assert_eq!(calls.get(), 3);
    }
}
