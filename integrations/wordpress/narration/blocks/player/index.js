/**
 * The "Narration player" block in the editor: a placeholder; the post shows the player
 * (rendered on the server) once its episode is narrated.
 */
( function ( wp ) {
	const { registerBlockType } = wp.blocks;
	const { createElement: el } = wp.element;
	const { useBlockProps } = wp.blockEditor;
	const { __ } = wp.i18n;

	registerBlockType( 'narration/player', {
		edit() {
			return el(
				'div',
				useBlockProps( { className: 'narration-player-placeholder' } ),
				el( 'strong', null, __( 'Narration player', 'narration' ) ),
				el( 'p', null, __( "The post's episode plays here once it is narrated.", 'narration' ) )
			);
		},
		save() {
			return null;
		},
	} );
} )( window.wp );
