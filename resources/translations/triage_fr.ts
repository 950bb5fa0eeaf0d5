<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="en">
<context>
    <name>AddEvidenceDialog</name>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="29"/>
        <source>Add evidence</source>
        <translation>Ajouter des scellés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="33"/>
        <source>Add disk images (raw/dd, split raw, E01: choose the first segment, the others are found) or folders of extracted files. Evidence is only ever opened for reading.</source>
        <translation>Ajoutez des images disque (raw/dd, raw segmentée, E01 : choisissez le premier segment, les autres sont trouvés) ou des dossiers de fichiers extraits. Les scellés ne sont jamais ouverts qu&apos;en lecture.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="38"/>
        <source>Add image files…</source>
        <translation>Ajouter des fichiers d&apos;image…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="41"/>
        <source>Add folder…</source>
        <translation>Ajouter un répertoire…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="44"/>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="56"/>
        <source>Add and process</source>
        <translation>Ajouter et traiter</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="81"/>
        <source>Disk images</source>
        <translation>Images disque</translation>
    </message>
    <message>
        <location filename="../../triage/gui/evidence_dialog.py" line="86"/>
        <source>Folder of files</source>
        <translation>Répertoire de fichiers</translation>
    </message>
</context>
<context>
    <name>CaseView</name>
    <message>
        <location filename="../../triage/gui/case_view.py" line="301"/>
        <source>Evidence</source>
        <translation>Scellés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="308"/>
        <source>Summary</source>
        <translation>Résumé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="341"/>
        <source>Filter by path, name or MD5</source>
        <translation>Filtrer par chemin, nom ou MD5</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="352"/>
        <source>Filter:</source>
        <translation>Filtre :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="360"/>
        <source>Files</source>
        <translation>Fichiers</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="382"/>
        <source>&amp;Gallery</source>
        <translation>&amp;Galerie</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="383"/>
        <source>&amp;Evidence and files</source>
        <translation>&amp;Scellés et fichiers</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="413"/>
        <source>Could not read the case: {m}</source>
        <translation>Lecture du dossier impossible : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="414"/>
        <location filename="../../triage/gui/case_view.py" line="433"/>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="432"/>
        <source>Could not read the file list: {m}</source>
        <translation>Lecture de la liste des fichiers impossible : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="437"/>
        <source>Reading…</source>
        <translation>Lecture…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="442"/>
        <source>{shown} of {total} entries</source>
        <translation>{shown} entrées sur {total}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="445"/>
        <source>{n} entries</source>
        <translation>{n} entrées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="470"/>
        <source>An ingest is already running in this case.</source>
        <translation>Une ingestion est déjà en cours dans ce dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="477"/>
        <source>Adding {n} evidence…</source>
        <translation>Ajout de {n} scellé(s)…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="478"/>
        <source>Resuming ingest…</source>
        <translation>Reprise de l&apos;ingestion…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="510"/>
        <source>Ingest stopped: {e}. What was recorded is kept; resume to finish.</source>
        <translation>Ingestion arrêtée : {e}. Ce qui a été enregistré est conservé ; reprenez pour terminer.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="512"/>
        <location filename="../../triage/gui/case_view.py" line="525"/>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="517"/>
        <source>Ingest cancelled after {n} files. Resume to finish; nothing is done twice.</source>
        <translation>Ingestion annulée après {n} fichiers. Reprenez pour terminer ; rien n’est fait deux fois.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="520"/>
        <source>Ingest finished: {n} files hashed, {e} file errors.</source>
        <translation>Ingestion terminée : {n} fichiers hachés, {e} erreurs de fichier.</translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <location filename="../../triage/gui/detail.py" line="59"/>
        <source>Keyframes of the video, treated like its preview</source>
        <translation>Images clés de la vidéo, traitées comme son aperçu</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="72"/>
        <source>Select a picture to see where it was found, its hashes, hash-set matches and tag history.</source>
        <translation>Sélectionnez une image pour voir où elle a été trouvée, ses empreintes, ses correspondances de listes d&apos;empreintes et l&apos;historique de ses catégories.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="97"/>
        <source>No picture selected</source>
        <translation>Aucune image sélectionnée</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="124"/>
        <source>This item is no longer in the case.</source>
        <translation>Cet élément n&apos;est plus dans le dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="134"/>
        <source>Could not read this item: {m}</source>
        <translation>Lecture de cet élément impossible : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="143"/>
        <source>Stack of {n} (representative first):</source>
        <translation>Pile de {n} (représentant en premier) :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="161"/>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="162"/>
        <source>No preview</source>
        <translation>Pas d&apos;aperçu</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="178"/>
        <source>Keyframes: loading…</source>
        <translation>Images clés : chargement…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="179"/>
        <source>No keyframes</source>
        <translation>Pas d&apos;images clés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="224"/>
        <source>to review</source>
        <translation>à revoir</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="226"/>
        <source>uncategorised</source>
        <translation>non catégorisé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="228"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="230"/>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="236"/>
        <source>Found {n} time(s)</source>
        <translation>Trouvé {n} fois</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="240"/>
        <source>(the sets disagree)</source>
        <translation>(les listes divergent)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="241"/>
        <source>Hash-set matches</source>
        <translation>Correspondances de listes d&apos;empreintes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="244"/>
        <source>Tags</source>
        <translation>Catégories données</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="254"/>
        <source>Video</source>
        <translation>Vidéo</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="257"/>
        <source>Tag history (audit log)</source>
        <translation>Historique des catégories (journal d&apos;audit)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="266"/>
        <source>partition {p}</source>
        <translation>partition {p}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="269"/>
        <source>deleted</source>
        <translation>supprimé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="271"/>
        <source>Evidence</source>
        <translation>Scellé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="271"/>
        <source>Path</source>
        <translation>Chemin</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="272"/>
        <source>Modified</source>
        <translation>Modifié</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="273"/>
        <source>Accessed</source>
        <translation>Accédé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="274"/>
        <source>Changed</source>
        <translation>Changé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="275"/>
        <source>Created</source>
        <translation>Créé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/detail.py" line="281"/>
        <source>{kind}, category {category}{scheme}; by {digest}, record {record} of {source} (SHA-256 {sha}…), imported {when} by {who}</source>
        <translation>{kind}, catégorie {category}{scheme} ; par {digest}, enregistrement {record} de {source} (SHA-256 {sha}…), importé le {when} par {who}</translation>
    </message>
</context>
<context>
    <name>EvidencePanel</name>
    <message>
        <location filename="../../triage/gui/case_view.py" line="67"/>
        <source>Select an evidence or partition for details.</source>
        <translation>Sélectionnez un scellé ou une partition pour le détail.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="126"/>
        <source>Partition {index}</source>
        <translation>Partition {index}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="129"/>
        <source>Error: {error}</source>
        <translation>Erreur : {error}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="129"/>
        <source>Read</source>
        <translation>Lu</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="138"/>
        <location filename="../../triage/gui/case_actions.py" line="165"/>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="146"/>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="152"/>
        <source>The case&apos;s working scheme</source>
        <translation>Le référentiel de travail du dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="158"/>
        <source>Overwrite an existing file</source>
        <translation>Remplacer un fichier existant</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="160"/>
        <source>&amp;Format:</source>
        <translation>&amp;Format :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="161"/>
        <source>&amp;Save as:</source>
        <translation>&amp;Enregistrer sous :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="162"/>
        <source>&amp;Scheme:</source>
        <translation>&amp;Référentiel :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="163"/>
        <source>&amp;Pictures in reports:</source>
        <translation>&amp;Images dans les rapports :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="174"/>
        <source>Export to</source>
        <translation>Exporter vers</translation>
    </message>
</context>
<context>
    <name>FileTableModel</name>
    <message>
        <location filename="../../triage/gui/models.py" line="193"/>
        <source>deleted</source>
        <translation>supprimé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/models.py" line="199"/>
        <source>{type} (misnamed)</source>
        <translation>{type} (mal nommé)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/models.py" line="215"/>
        <source>The file name&apos;s extension does not match its content ({type})</source>
        <translation>L&apos;extension du nom de fichier ne correspond pas à son contenu ({type})</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <location filename="../../triage/gui/filters.py" line="54"/>
        <source>Search name, path or hash</source>
        <translation>Chercher nom, chemin ou empreinte</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="57"/>
        <source>Needs a person</source>
        <translation>À examiner</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="58"/>
        <source>All categories</source>
        <translation>Toutes les catégories</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="59"/>
        <source>Conflicting / to review</source>
        <translation>En conflit / à revoir</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="60"/>
        <source>Category in the working scheme</source>
        <translation>Catégorie dans le référentiel de travail</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="61"/>
        <source>Any hash-set result</source>
        <translation>Toute correspondance d&apos;empreintes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="62"/>
        <source>Alert hits</source>
        <translation>Alertes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="63"/>
        <source>Known-good hits</source>
        <translation>Fichiers connus sains</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="64"/>
        <source>Any hit</source>
        <translation>Toute correspondance</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="64"/>
        <source>No hit</source>
        <translation>Aucune correspondance</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="65"/>
        <source>Hash-set matches</source>
        <translation>Correspondances de listes d&apos;empreintes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="66"/>
        <source>Show known-good</source>
        <translation>Afficher les fichiers sains</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="67"/>
        <source>Content matched only by known-good hash sets is hidden unless this is on</source>
        <translation>Les contenus reconnus uniquement par des listes de fichiers sains sont masqués sauf si cette option est cochée</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="69"/>
        <source>Pictures and videos</source>
        <translation>Images et vidéos</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="70"/>
        <source>Pictures</source>
        <translation>Images</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="70"/>
        <source>Videos</source>
        <translation>Vidéos</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="71"/>
        <source>Media type</source>
        <translation>Type de média</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="72"/>
        <source>Order found</source>
        <translation>Ordre de découverte</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="72"/>
        <source>Largest first</source>
        <translation>Plus gros d&apos;abord</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="73"/>
        <source>Biggest stacks first</source>
        <translation>Plus grandes piles d&apos;abord</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="74"/>
        <source>File name</source>
        <translation>Nom de fichier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="74"/>
        <source>Sort</source>
        <translation>Tri</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="76"/>
        <source>More filters</source>
        <translation>Plus de filtres</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="79"/>
        <source>Deleted or not</source>
        <translation>Supprimé ou non</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="80"/>
        <source>Deleted</source>
        <translation>Supprimé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="81"/>
        <source>Not deleted</source>
        <translation>Non supprimé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="82"/>
        <source>Whether an instance is a deleted entry</source>
        <translation>Si une occurrence est une entrée supprimée</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="85"/>
        <source>stack ≥ </source>
        <translation>pile ≥ </translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="86"/>
        <source>Only stacks of at least this many near-duplicates</source>
        <translation>Seulement les piles d&apos;au moins ce nombre de quasi-doublons</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="88"/>
        <source>Path contains</source>
        <translation>Le chemin contient</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="91"/>
        <source>EXIF camera</source>
        <translation>Appareil (EXIF)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="93"/>
        <source>Has GPS</source>
        <translation>Avec GPS</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="94"/>
        <source>Modified</source>
        <translation>Modifié</translation>
    </message>
    <message>
        <location filename="../../triage/gui/filters.py" line="105"/>
        <source>Sort:</source>
        <translation>Tri :</translation>
    </message>
</context>
<context>
    <name>GalleryPanel</name>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="158"/>
        <source>Show stacks</source>
        <translation>Afficher les piles</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="159"/>
        <source>One tile per stack of near-duplicates; off: every item</source>
        <translation>Une vignette par pile de quasi-doublons ; désactivé : chaque élément</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="161"/>
        <source>Blur</source>
        <translation>Flou</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="163"/>
        <source>Blur pictures nobody has categorised yet</source>
        <translation>Flouter les images que personne n&apos;a encore catégorisées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="165"/>
        <source>Greyscale</source>
        <translation>Niveaux de gris</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="167"/>
        <source>Show pictures nobody has categorised yet in greyscale</source>
        <translation>Afficher en niveaux de gris les images que personne n&apos;a encore catégorisées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="169"/>
        <source>Protect categorised</source>
        <translation>Protéger les catégorisées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="171"/>
        <source>Blur and greyscale apply to categorised pictures too</source>
        <translation>Le flou et les niveaux de gris s&apos;appliquent aussi aux images catégorisées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="172"/>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="174"/>
        <source>Redo</source>
        <translation>Rétablir</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="176"/>
        <source>Refresh gallery</source>
        <translation>Actualiser la galerie</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="177"/>
        <source>Read the gallery again (tagged tiles stay in place until then)</source>
        <translation>Relire la galerie (les vignettes catégorisées restent en place jusque-là)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="205"/>
        <source>{scheme}: {keys}  ·  &lt;b&gt;Alt+key&lt;/b&gt; whole stack  ·  &lt;b&gt;Backspace&lt;/b&gt; remove tag  ·  &lt;b&gt;hold Space&lt;/b&gt; reveal</source>
        <translation>{scheme} : {keys}  ·  &lt;b&gt;Alt+touche&lt;/b&gt; toute la pile  ·  &lt;b&gt;Retour arrière&lt;/b&gt; retirer la catégorie  ·  &lt;b&gt;maintenir Espace&lt;/b&gt; dévoiler</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="230"/>
        <source>Could not read the gallery: {m}</source>
        <translation>Lecture de la galerie impossible : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="231"/>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="235"/>
        <source>Counting…</source>
        <translation>Comptage…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="238"/>
        <source>Reading…</source>
        <translation>Lecture…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="242"/>
        <source>1 tile</source>
        <translation>1 vignette</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="242"/>
        <source>{n} tiles</source>
        <translation>{n} vignettes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="244"/>
        <source>1 item</source>
        <translation>1 élément</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="244"/>
        <source>{n} items</source>
        <translation>{n} éléments</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="278"/>
        <source>remove the tag of {n} tile(s)</source>
        <translation>retirer la catégorie de {n} vignette(s)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="281"/>
        <source>tag {n} tile(s) {code} ({label})</source>
        <translation>catégoriser {n} vignette(s) {code} ({label})</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="284"/>
        <source> with their stacks</source>
        <translation> avec leurs piles</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="323"/>
        <source>{who} changed the case ({what}). Refresh to see it.</source>
        <translation>{who} a modifié le dossier ({what}). Actualisez pour le voir.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="329"/>
        <source>The change was not made: {m}. Undo history was cleared; refresh to see the case as it is.</source>
        <translation>La modification n&apos;a pas été faite : {m}. L&apos;historique d&apos;annulation a été vidé ; actualisez pour voir le dossier tel qu&apos;il est.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_panel.py" line="325"/>
        <location filename="../../triage/gui/gallery_panel.py" line="331"/>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
</context>
<context>
    <name>HashSetDialog</name>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="90"/>
        <source>Import hash set</source>
        <translation>Importer une liste d&apos;empreintes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="93"/>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="103"/>
        <source>As the file says (or none)</source>
        <translation>Comme le dit le fichier (ou aucun)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="107"/>
        <source>&amp;File:</source>
        <translation>&amp;Fichier :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="108"/>
        <source>&amp;Name:</source>
        <translation>&amp;Nom :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="109"/>
        <source>&amp;Kind:</source>
        <translation>&amp;Nature :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="110"/>
        <source>&amp;Scheme of its categories:</source>
        <translation>&amp;Référentiel de ses catégories :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="111"/>
        <source>Import</source>
        <translation>Importer</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_actions.py" line="120"/>
        <source>Hash set file</source>
        <translation>Fichier de liste d&apos;empreintes</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../triage/gui/main_window.py" line="115"/>
        <source>Pictures shown unblurred in this session, and for how long</source>
        <translation>Images montrées sans flou pendant cette session, et pendant combien de temps</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="145"/>
        <source>&amp;New case…</source>
        <translation>&amp;Nouveau dossier…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="146"/>
        <source>Create a case folder</source>
        <translation>Créer un dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="147"/>
        <source>&amp;Open case…</source>
        <translation>&amp;Ouvrir un dossier…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="148"/>
        <source>Open an existing case folder</source>
        <translation>Ouvrir un dossier existant</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="149"/>
        <source>&amp;Close case</source>
        <translation>&amp;Fermer le dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="150"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="152"/>
        <source>&amp;Add evidence…</source>
        <translation>&amp;Ajouter des scellés…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="153"/>
        <source>Add disk images or folders to the case and process them</source>
        <translation>Ajouter des images disque ou des dossiers au dossier et les traiter</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="155"/>
        <source>&amp;Resume ingest</source>
        <translation>&amp;Reprendre l&apos;ingestion</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="156"/>
        <source>Finish work an earlier run left unfinished</source>
        <translation>Terminer le travail qu&apos;une exécution précédente a laissé inachevé</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="157"/>
        <source>&amp;Cancel ingest</source>
        <translation>A&amp;nnuler l&apos;ingestion</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="158"/>
        <source>Re&amp;fresh</source>
        <translation>Ac&amp;tualiser</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="160"/>
        <source>Set &amp;examiner…</source>
        <translation>Définir l&apos;&amp;enquêteur…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="161"/>
        <source>Who is working: recorded in the audit log with every change</source>
        <translation>Qui travaille : consigné dans le journal d&apos;audit avec chaque modification</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="163"/>
        <source>Import &amp;hash set…</source>
        <translation>Importer une liste d&apos;&amp;empreintes…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="164"/>
        <source>Import a hash set file and match it against the case (as triage hashset import)</source>
        <translation>Importer une liste d&apos;empreintes et la comparer au dossier (comme triage hashset import)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="167"/>
        <source>Rebuild &amp;stacks</source>
        <translation>Reconstruire les &amp;piles</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="168"/>
        <source>Stack near-duplicates again (as triage cluster)</source>
        <translation>Regrouper à nouveau les quasi-doublons (comme triage cluster)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="170"/>
        <source>E&amp;xport…</source>
        <translation>E&amp;xporter…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="171"/>
        <source>VICS JSON, CSV, hash lists, HTML or PDF report (as triage export)</source>
        <translation>VICS JSON, CSV, listes d&apos;empreintes, rapport HTML ou PDF (comme triage export)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="173"/>
        <source>&amp;Verify case</source>
        <translation>&amp;Vérifier le dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="174"/>
        <source>Re-hash the evidence and check the audit chain (as triage verify)</source>
        <translation>Recalculer l&apos;empreinte des scellés et vérifier la chaîne d&apos;audit (comme triage verify)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="176"/>
        <source>Open &amp;demo case</source>
        <translation>Ouvrir le dossier de &amp;démonstration</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="177"/>
        <source>A small case of public photographs with stacks and hash-set hits</source>
        <translation>Un petit dossier de photographies publiques avec des piles et des correspondances d&apos;empreintes</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="178"/>
        <source>&amp;About Triage</source>
        <translation>À &amp;propos de Triage</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="179"/>
        <source>About &amp;Qt</source>
        <translation>À propos de &amp;Qt</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="183"/>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="186"/>
        <source>Open &amp;recent</source>
        <translation>Ouvrir un dossier &amp;récent</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="192"/>
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="200"/>
        <source>&amp;Case</source>
        <translation>&amp;Dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="211"/>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="213"/>
        <source>&amp;Help</source>
        <translation>A&amp;ide</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="225"/>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="254"/>
        <source>Unblurred: {n} pictures, {t}</source>
        <translation>Sans flou : {n} images, {t}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="259"/>
        <source>You have looked at unblurred pictures for {m} minutes in this session. A short break helps.</source>
        <translation>Vous avez regardé des images sans flou pendant {m} minutes au cours de cette session. Une courte pause aide.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="263"/>
        <source>Examiner: {name}</source>
        <translation>Enquêteur : {name}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="278"/>
        <source>Open case folder</source>
        <translation>Ouvrir un dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="292"/>
        <source>An ingest is running: cancel it before opening another case.</source>
        <translation>Une ingestion est en cours : annulez-la avant d’ouvrir un autre dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="299"/>
        <source>Opening {folder}…</source>
        <translation>Ouverture de {folder}…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="336"/>
        <location filename="../../triage/gui/main_window.py" line="340"/>
        <source>Cannot open the case: {m}</source>
        <translation>Impossible d&apos;ouvrir le dossier : {m}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="337"/>
        <source>Remove from recent cases</source>
        <translation>Retirer des dossiers récents</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="347"/>
        <source>An ingest is running: cancel it before closing the case.</source>
        <translation>Une ingestion est en cours : annulez-la avant de fermer le dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="409"/>
        <source>(no case open)</source>
        <translation>(aucun dossier ouvert)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="425"/>
        <source>Importing hash set {name}…</source>
        <translation>Import de la liste d&apos;empreintes {name}…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="432"/>
        <source>Stacking near-duplicates…</source>
        <translation>Regroupement des quasi-doublons…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="448"/>
        <source>Exporting…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="455"/>
        <source>Verifying evidence and audit log…</source>
        <translation>Vérification des scellés et du journal d&apos;audit…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="465"/>
        <source>Preparing the demo case…</source>
        <translation>Préparation du dossier de démonstration…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="493"/>
        <source>The new language is used from the next start.</source>
        <translation>La nouvelle langue s&apos;applique au prochain démarrage.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="506"/>
        <source>Examiner</source>
        <translation>Enquêteur</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="507"/>
        <source>Examiner name (recorded in the audit log):</source>
        <translation>Nom de l&apos;enquêteur (consigné dans le journal d&apos;audit) :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="513"/>
        <source>About Triage</source>
        <translation>À propos de Triage</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="522"/>
        <source>Ingest running</source>
        <translation>Ingestion en cours</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="523"/>
        <source>An ingest is running. Cancel it and quit? What is recorded is kept, and the next ingest resumes from there.</source>
        <translation>Une ingestion est en cours. L&apos;annuler et quitter ? Ce qui est enregistré est conservé, et la prochaine ingestion reprendra à partir de là.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/main_window.py" line="532"/>
        <source>Cancelling ingest, then quitting…</source>
        <translation>Annulation de l&apos;ingestion, puis fermeture…</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <location filename="../../triage/gui/widgets.py" line="55"/>
        <source>Dismiss</source>
        <translation>Fermer</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <location filename="../../triage/gui/start.py" line="162"/>
        <source>New case</source>
        <translation>Nouveau dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="165"/>
        <source>e.g. 2024-0117 Operation Lantern</source>
        <translation>p. ex. 2024-0117 Opération Lanterne</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="167"/>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="181"/>
        <source>Case &amp;name:</source>
        <translation>&amp;Nom du dossier :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="182"/>
        <source>&amp;Location:</source>
        <translation>&amp;Emplacement :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="185"/>
        <source>&amp;Examiner:</source>
        <translation>&amp;Enquêteur :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="186"/>
        <source>Case folder:</source>
        <translation>Répertoire du dossier :</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="189"/>
        <source>Create case</source>
        <translation>Créer le dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="209"/>
        <source>Where to keep the case</source>
        <translation>Où conserver le dossier</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="217"/>
        <source>Give the case a name.</source>
        <translation>Donnez un nom au dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="219"/>
        <source>A case name cannot contain / or \.</source>
        <translation>Un nom de dossier ne peut pas contenir / ni \.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="221"/>
        <source>Choose where to keep the case.</source>
        <translation>Choisissez où conserver le dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="223"/>
        <source>Enter the examiner&apos;s name (it is recorded in the audit log).</source>
        <translation>Saisissez le nom de l&apos;enquêteur (il est consigné dans le journal d&apos;audit).</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="226"/>
        <source>That folder already holds a case: use Open case instead.</source>
        <translation>Ce répertoire contient déjà un dossier : utilisez Ouvrir un dossier.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="228"/>
        <source>That folder exists and is not empty: choose another name.</source>
        <translation>Ce répertoire existe et n&apos;est pas vide : choisissez un autre nom.</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <location filename="../../triage/gui/widgets.py" line="127"/>
        <location filename="../../triage/gui/widgets.py" line="150"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="129"/>
        <source>Stop after the current batch; adding evidence or resuming later goes on from where it stopped</source>
        <translation>Arrêter après le lot en cours ; ajouter des scellés ou reprendre plus tard continue là où cela s&apos;est arrêté</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="155"/>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="156"/>
        <source>Cancelling after the current batch…</source>
        <translation>Annulation après le lot en cours…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="167"/>
        <source>Finishing: checking evidence image hashes</source>
        <translation>Fin : vérification des empreintes des images de scellés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="169"/>
        <source>{done} files</source>
        <translation>{done} fichiers</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="180"/>
        <source>{done} of {total} files</source>
        <translation>{done} fichiers sur {total}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="183"/>
        <source>{done} entries</source>
        <translation>{done} entrées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="190"/>
        <source>about {left} left</source>
        <translation>environ {left} restant</translation>
    </message>
    <message>
        <location filename="../../triage/gui/widgets.py" line="191"/>
        <source>estimating time left…</source>
        <translation>estimation du temps restant…</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <location filename="../../triage/gui/start.py" line="71"/>
        <source>Find, hash and categorise pictures and videos on seized evidence. Version {version}.</source>
        <translation>Trouver, hacher et catégoriser les images et vidéos des scellés. Version {version}.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="75"/>
        <source>New case…</source>
        <translation>Nouveau dossier…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="79"/>
        <source>Open case…</source>
        <translation>Ouvrir un dossier…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="89"/>
        <source>Recent cases</source>
        <translation>Dossiers récents</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="98"/>
        <source>Remove from list</source>
        <translation>Retirer de la liste</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="103"/>
        <source>No recent cases. Create a new case or open an existing case folder.</source>
        <translation>Aucun dossier récent. Créez un nouveau dossier ou ouvrez un dossier existant.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/start.py" line="134"/>
        <source>{name}  (missing)
{path}</source>
        <translation>{name}  (introuvable)
{path}</translation>
    </message>
</context>
<context>
    <name>SummaryPanel</name>
    <message>
        <location filename="../../triage/gui/case_view.py" line="245"/>
        <source> ({n} with errors)</source>
        <translation> ({n} avec erreurs)</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="251"/>
        <source>{done} of {total} files</source>
        <translation>{done} fichiers sur {total}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="257"/>
        <source>{n} more types</source>
        <translation>{n} autres types</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="261"/>
        <source>Files whose name&apos;s extension disagrees with their content</source>
        <translation>Fichiers dont l&apos;extension ne correspond pas au contenu</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="264"/>
        <source>{n} entries</source>
        <translation>{n} entrées</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="269"/>
        <source>{n} files not hashed yet</source>
        <translation>{n} fichiers pas encore hachés</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="270"/>
        <source>evidence not fully read yet</source>
        <translation>scellés pas encore entièrement lus</translation>
    </message>
    <message>
        <location filename="../../triage/gui/case_view.py" line="271"/>
        <source>Case ▸ Resume ingest finishes them</source>
        <translation>Dossier ▸ Reprendre l&apos;ingestion les termine</translation>
    </message>
</context>
<context>
    <name>TileDelegate</name>
    <message>
        <location filename="../../triage/gui/gallery_view.py" line="157"/>
        <source>video</source>
        <translation>vidéo</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_view.py" line="158"/>
        <source>no preview</source>
        <translation>pas d&apos;aperçu</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_view.py" line="189"/>
        <source>stack {n}</source>
        <translation>pile {n}</translation>
    </message>
    <message>
        <location filename="../../triage/gui/gallery_view.py" line="195"/>
        <source>deleted</source>
        <translation>supprimé</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../../triage/gui/app.py" line="38"/>
        <source>Internal error: {kind}: {value} (details in {where}). Your case is safe; please report this.</source>
        <translation>Erreur interne : {kind} : {value} (détails dans {where}). Votre dossier est intact ; merci de signaler ce problème.</translation>
    </message>
    <message>
        <location filename="../../triage/gui/app.py" line="78"/>
        <source>Preparing the demo case…</source>
        <translation>Préparation du dossier de démonstration…</translation>
    </message>
    <message>
        <location filename="../../triage/gui/app.py" line="95"/>
        <source>Cannot prepare the demo case: {m}</source>
        <translation>Impossible de préparer le dossier de démonstration : {m}</translation>
    </message>
</context>
</TS>
