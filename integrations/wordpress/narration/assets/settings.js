/**
 * Settings → Narration: "Test connection" asks the server (admin-ajax, with a nonce),
 * which asks the service with the stored key, and shows what the service said.
 */
( function () {
	const data = window.narrationSettings;
	const button = document.getElementById( 'narration-test-connection' );
	const result = document.getElementById( 'narration-test-result' );
	if ( ! data || ! button || ! result ) return;
	button.addEventListener( 'click', () => {
		button.disabled = true;
		result.textContent = data.testing;
		const body = new URLSearchParams( { action: 'narration_test_connection', nonce: data.nonce } );
		fetch( data.ajaxUrl, { method: 'POST', credentials: 'same-origin', body } )
			.then( ( res ) => res.json() )
			.then( ( answer ) => {
				result.textContent = ( answer && answer.data && answer.data.message ) || 'No answer.';
				result.className = answer && answer.success ? 'narration-ok' : 'narration-failed';
			} )
			.catch( ( error ) => {
				result.textContent = String( error );
				result.className = 'narration-failed';
			} )
			.finally( () => { button.disabled = false; } );
	} );
} )();
