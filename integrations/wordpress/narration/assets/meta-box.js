/**
 * The classic editor's "Narration" box: asks again every few seconds while a narration is
 * pending, and sends "Narrate again" (both with the REST nonce).
 */
( function () {
	const data = window.narrationMetaBox;
	const box = document.getElementById( 'narration-meta-box' );
	if ( ! data || ! box ) return;
	const status = box.querySelector( '.narration-status' );
	const links = box.querySelector( '.narration-links' );
	const again = box.querySelector( '.narration-again' );
	const url = ( suffix ) => {
		const base = new URL( data.restUrl, window.location.href );
		const route = data.route + data.postId + suffix;
		if ( base.searchParams.has( 'rest_route' ) ) {
			base.searchParams.set( 'rest_route', route );
			return base.href;
		}
		return base.href.replace( /\/$/, '' ) + route;
	};
	const minutes = ( s ) => Math.floor( Math.round( s ) / 60 ) + ':' + String( Math.round( s ) % 60 ).padStart( 2, '0' );
	const text = ( view ) => ( {
		queued: view.note ? 'Queued; the service did not take it yet (' + view.note + '), trying again.' : 'Queued for narration.',
		narrating: 'Narrating…',
		done: 'Narrated (' + minutes( view.duration ) + ').',
		failed: 'Failed: ' + view.error,
		withdrawn: 'Its episode was withdrawn.',
	}[ view.status ] || ( view.eligible ? 'Not narrated.' : 'Narrated once published.' ) );

	function show( view ) {
		box.dataset.status = view.status;
		status.textContent = text( view );
		links.replaceChildren();
		if ( view.status === 'done' && view.audio_url ) {
			const audio = document.createElement( 'audio' );
			audio.controls = true;
			audio.preload = 'none';
			audio.src = view.audio_url;
			const link = document.createElement( 'a' );
			link.href = view.page_url;
			link.target = '_blank';
			link.rel = 'noopener';
			link.textContent = 'Episode page';
			links.append( audio, document.createElement( 'br' ), link );
		}
		again.hidden = ! view.eligible;
		if ( view.status === 'queued' || view.status === 'narrating' ) window.setTimeout( poll, 3000 );
	}

	function request( suffix, method ) {
		return fetch( url( suffix ), { method, credentials: 'same-origin', headers: { 'X-WP-Nonce': data.nonce } } )
			.then( ( res ) => res.json() );
	}

	function poll() {
		request( '', 'GET' ).then( show ).catch( () => window.setTimeout( poll, 10000 ) );
	}

	again.addEventListener( 'click', () => {
		again.disabled = true;
		request( '/narrate', 'POST' ).then( show ).finally( () => { again.disabled = false; } );
	} );
	if ( box.dataset.status === 'queued' || box.dataset.status === 'narrating' ) poll();
} )();
