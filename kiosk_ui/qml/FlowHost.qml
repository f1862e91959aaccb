import QtQuick
import "."

// Hosts a registered flow's own page; the page gets its view-model as `flow`.
Loader {
    id: host
    objectName: "flowHost"
    source: shell.flowPage
    onLoaded: if (item && item.hasOwnProperty("flow")) item.flow = shell.flowModel
}
