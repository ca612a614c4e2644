/* CityBot's public site: the map of reports and a report's small map. Leaflet and
   Leaflet.markercluster are served by CityBot itself (static/vendor), no CDN. */
(function () {
  "use strict";

  /* The base layer: tiles when config.yml names a tile server, else the city's plan
     (/plan.geojson: boundary, districts, streets) drawn as vectors, with no internet. */
  function baseLayer(map, options, done) {
    if (options.tiles) {
      L.tileLayer(options.tiles, {attribution: options.attribution || "", maxZoom: 19}).addTo(map);
    }
    fetch(options.plan).then(function (r) { return r.json(); }).then(function (plan) {
      if (!options.tiles) {
        L.geoJSON(plan, {
          interactive: false,
          style: function (feature) {
            var kind = feature.properties.kind;
            if (kind === "boundary") return {color: "#555", weight: 2, fill: false, dashArray: "6 4"};
            if (kind === "district") return {color: "#8aa", weight: 1, fillColor: "#eef4f4", fillOpacity: 0.6};
            return {color: "#c9b79c", weight: 4, opacity: 0.9};
          }
        }).addTo(map);
      }
      done(plan);
    });
  }

  function dot(colour) {
    return L.divIcon({className: "cb-marker", iconSize: [16, 16],
                      html: '<span style="background:' + colour + '"></span>'});
  }

  function publicMap(element, options) {
    var map = L.map(element, {maxZoom: 19, zoomSnap: 0.25, zoomControl: true});
    var markers = L.markerClusterGroup({chunkedLoading: true, disableClusteringAtZoom: 17,
                                        maxClusterRadius: 50});
    var count = document.getElementById("map-count");
    window.citybotMap = {map: map, markers: markers, loaded: false};
    baseLayer(map, options, function (plan) {
      map.fitBounds(plan.bounds);
      fetch(options.data).then(function (r) { return r.json(); }).then(function (data) {
        var r = data.r, list = [];
        for (var i = 0; i < r.length; i += 5) {
          var id = r[i];
          var lat = data.origin[0] + r[i + 1] / data.scale;
          var lon = data.origin[1] + r[i + 2] / data.scale;
          var category = data.categories[r[i + 3]], status = data.statuses[r[i + 4]];
          var marker = L.marker([lat, lon], {icon: dot(options.colours[status] || "#999"),
                                             title: "#" + id});
          marker.bindPopup('<a href="/reports/' + id + '">#' + id + "</a><br>" +
                           (options.categoryNames[category] || category) + "<br>" +
                           (options.statusNames[status] || status));
          list.push(marker);
        }
        markers.addLayers(list);
        map.addLayer(markers);
        window.citybotMap.loaded = true;
        window.citybotMap.count = list.length;
        if (count) count.textContent = options.countText + " " + list.length;
      });
    });
    /* a choice in a filter shows its reports at once (the form works without JS too) */
    var form = document.getElementById("filters");
    if (form) {
      form.addEventListener("change", function () { form.submit(); });
    }
    return map;
  }

  function spotMap(element, options) {
    var map = L.map(element, {maxZoom: 19, scrollWheelZoom: false});
    map.setView([options.lat, options.lon], 16);
    baseLayer(map, options, function () {
      L.marker([options.lat, options.lon], {icon: dot(options.colour)}).addTo(map);
    });
    return map;
  }

  /* a filter form that shows its choice at once (it works without JS too, with its button) */
  function filterForm(form) {
    if (form) {
      form.addEventListener("change", function () { form.submit(); });
    }
  }

  window.CityBot = {publicMap: publicMap, spotMap: spotMap, filterForm: filterForm};
})();
