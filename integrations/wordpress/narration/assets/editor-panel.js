/**
 * The block editor's "Narration" panel: the post's narration (queued, narrating, done with
 * its duration, a play button and the episode page, or failed with the service's reason),
 * and "Narrate again". It reads the plugin's REST routes through apiFetch, which sends
 * the REST nonce; it asks again every few seconds while a narration is pending.
 */
( function ( wp ) {
	const { registerPlugin } = wp.plugins;
	const { PluginDocumentSettingPanel } = wp.editPost;
	const { createElement: el, useState, useEffect, useCallback, useRef } = wp.element;
	const { Button, ExternalLink } = wp.components;
	const { useSelect } = wp.data;
	const apiFetch = wp.apiFetch;
	const { __, sprintf } = wp.i18n;

	const POLL_MS = 3000;
	const PENDING = [ 'queued', 'narrating' ];

	function minutes( seconds ) {
		const total = Math.round( seconds || 0 );
		return Math.floor( total / 60 ) + ':' + String( total % 60 ).padStart( 2, '0' );
	}

	function describe( view ) {
		switch ( view.status ) {
			case 'queued':
				return view.note
					? sprintf( __( 'Queued; the service did not take it yet (%s), trying again.', 'narration' ), view.note )
					: __( 'Queued for narration.', 'narration' );
			case 'narrating':
				return __( 'Narrating…', 'narration' );
			case 'done':
				return sprintf( __( 'Narrated (%s).', 'narration' ), minutes( view.duration ) );
			case 'failed':
				return sprintf( __( 'Failed: %s', 'narration' ), view.error );
			case 'withdrawn':
				return __( 'Its episode was withdrawn.', 'narration' );
			default:
				return view.eligible ? __( 'Not narrated.', 'narration' ) : __( 'Narrated once published.', 'narration' );
		}
	}

	function PlayButton( { url } ) {
		const audio = useRef( null );
		const [ playing, setPlaying ] = useState( false );
		useEffect( () => () => audio.current && audio.current.pause(), [] );
		const toggle = () => {
			if ( ! audio.current || audio.current.dataset.src !== url ) {
				if ( audio.current ) audio.current.pause();
				audio.current = new window.Audio( url );
				audio.current.dataset.src = url;
				audio.current.addEventListener( 'ended', () => setPlaying( false ) );
				audio.current.addEventListener( 'pause', () => setPlaying( false ) );
				audio.current.addEventListener( 'play', () => setPlaying( true ) );
			}
			if ( audio.current.paused ) audio.current.play().catch( () => setPlaying( false ) );
			else audio.current.pause();
		};
		return el( Button, { variant: 'secondary', onClick: toggle }, playing ? __( 'Pause', 'narration' ) : __( 'Play', 'narration' ) );
	}

	function Panel() {
		const { postId, saving, postStatus } = useSelect( ( select ) => {
			const editor = select( 'core/editor' );
			return {
				postId: editor.getCurrentPostId(),
				saving: editor.isSavingPost() && ! editor.isAutosavingPost(),
				postStatus: editor.getCurrentPostAttribute( 'status' ),
			};
		}, [] );
		const [ view, setView ] = useState( null );
		const [ problem, setProblem ] = useState( '' );
		const [ busy, setBusy ] = useState( false );

		const load = useCallback( () => {
			if ( ! postId ) return Promise.resolve();
			return apiFetch( { path: '/narration/v1/posts/' + postId } )
				.then( ( answer ) => {
					setView( answer );
					setProblem( '' );
				} )
				.catch( ( error ) => setProblem( error.message || String( error ) ) );
		}, [ postId ] );

		// After every save (publishing included) and on opening.
		useEffect( () => {
			if ( ! saving ) load();
		}, [ saving, postStatus, load ] );

		// While a narration is pending.
		useEffect( () => {
			if ( ! view || ! PENDING.includes( view.status ) ) return undefined;
			const timer = window.setTimeout( load, POLL_MS );
			return () => window.clearTimeout( timer );
		}, [ view, load ] );

		const again = () => {
			setBusy( true );
			apiFetch( { path: '/narration/v1/posts/' + postId + '/narrate', method: 'POST' } )
				.then( ( answer ) => setView( answer ) )
				.catch( ( error ) => setProblem( error.message || String( error ) ) )
				.finally( () => setBusy( false ) );
		};

		const children = [];
		if ( view ) {
			children.push( el( 'p', { key: 'status', className: 'narration-status', role: 'status', 'aria-live': 'polite' }, describe( view ) ) );
			if ( view.status === 'done' && view.audio_url ) {
				children.push(
					el(
						'p',
						{ key: 'episode', className: 'narration-episode' },
						el( PlayButton, { url: view.audio_url } ),
						' ',
						view.page_url ? el( ExternalLink, { href: view.page_url }, __( 'Episode page', 'narration' ) ) : null
					)
				);
			}
			if ( view.eligible ) {
				children.push(
					el( 'p', { key: 'again' }, el( Button, { variant: 'secondary', isBusy: busy, disabled: busy, onClick: again }, __( 'Narrate again', 'narration' ) ) )
				);
			}
		}
		if ( problem ) {
			children.push( el( 'p', { key: 'problem', className: 'narration-problem', role: 'alert' }, problem ) );
		}
		return el(
			PluginDocumentSettingPanel,
			{ name: 'narration', title: __( 'Narration', 'narration' ), className: 'narration-panel' },
			el( 'div', { className: 'narration-panel-body', 'data-status': view ? view.status : 'loading' }, children )
		);
	}

	registerPlugin( 'narration', { render: Panel, icon: 'controls-volumeon' } );
} )( window.wp );
